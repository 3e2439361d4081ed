/**
 * What every resolver receives: who is asking, the services (singletons built in app.ts) and
 * DataLoaders that live for this one request only, so nothing cached leaks between viewers.
 */
import type { DataSource } from "typeorm";
import { createUserLoaders, type TokenService, type UserService } from "./modules/auth";
import { createListingLoaders, type ListingService } from "./modules/listings";
import { createProviderLoaders, type ProviderService } from "./modules/providers";
import { createReferenceLoaders, type ReferenceService } from "./modules/reference";
import type { Viewer } from "./shared/auth";
import { unauthenticated } from "./shared/errors";

export interface Services {
  reference: ReferenceService;
  tokens: TokenService;
  users: UserService;
  providers: ProviderService;
  listings: ListingService;
}

export function createLoaders(db: DataSource) {
  return {
    ...createReferenceLoaders(db),
    ...createUserLoaders(db),
    ...createProviderLoaders(db),
    ...createListingLoaders(db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface Context {
  requestId: string;
  viewer: Viewer | null;
  services: Services;
  loaders: Loaders;
}

/** The viewer of a request from its Authorization header: anonymous without one, UNAUTHENTICATED if bad. */
export async function viewerFromHeader(services: Services, authorization: string | undefined): Promise<Viewer | null> {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw unauthenticated("Send the token as `Authorization: Bearer <token>`.");
  return services.users.viewerForToken(match[1]);
}
