/**
 * What every resolver receives: who is asking, the services (singletons built in app.ts) and
 * DataLoaders that live for this one request only, so nothing cached leaks between viewers.
 *
 * This file imports no module. Each module declares its own context in `src/modules/<module>/context.ts`:
 * the context of the module below it, extended with the module's own services and loaders. So a
 * resolver's context type names only its own and lower modules, and the composition root (src/app.ts)
 * builds the one concrete context that satisfies them all.
 */
import type { Viewer } from "./shared/auth";
import { unauthenticated } from "./shared/errors";
import type { Clock } from "./shared/time";

/** Services every module may use, whatever its place in the order. */
export interface CoreServices {
  clock: Clock;
}

export interface RequestContext<Services extends object = CoreServices, Loaders extends object = object> {
  requestId: string;
  viewer: Viewer | null;
  services: CoreServices & Services;
  loaders: Loaders;
}

/** The context of a module: the one below it, plus the module's own services and loaders. */
export type Extend<Below extends { services: object; loaders: object }, Services extends object, Loaders extends object> = RequestContext<
  Below["services"] & Services,
  Below["loaders"] & Loaders
>;

/** Whatever turns a bearer token into a viewer (the auth module's UserService). */
export interface TokenVerifier {
  viewerForToken(token: string): Promise<Viewer>;
}

/** The viewer of a request from its Authorization header: anonymous without one, UNAUTHENTICATED if bad. */
export async function viewerFromHeader(services: { users: TokenVerifier }, authorization: string | undefined): Promise<Viewer | null> {
  if (!authorization) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization.trim());
  if (!match) throw unauthenticated("Send the token as `Authorization: Bearer <token>`.");
  return services.users.viewerForToken(match[1]);
}
