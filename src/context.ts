/**
 * What every resolver receives: who is asking, the services (singletons built in app.ts) and
 * DataLoaders that live for this one request only, so nothing cached leaks between viewers.
 */
import type { DataSource } from "typeorm";
import { createUserLoaders, type TokenService, type UserService } from "./modules/auth";
import { createBookingLoaders, type BookingService, type GroupBookingService, type VisitService } from "./modules/bookings";
import { createPackageLoaders, type PackageService, type PlanService } from "./modules/brokers";
import { createBudgetLoaders, type BudgetService, type ClientService } from "./modules/budgets";
import { createListingLoaders, type ListingService } from "./modules/listings";
import { createPricingLoaders, type ReferenceRateService } from "./modules/pricing";
import { createProviderLoaders, type ProviderService } from "./modules/providers";
import { createQuoteLoaders, type QuoteService } from "./modules/quotes";
import { createReferenceLoaders, type ReferenceService } from "./modules/reference";
import { createReportLoaders, type ReportService } from "./modules/reports";
import type { Viewer } from "./shared/auth";
import { unauthenticated } from "./shared/errors";
import type { Clock } from "./shared/time";

export interface Services {
  clock: Clock;
  reference: ReferenceService;
  tokens: TokenService;
  users: UserService;
  rates: ReferenceRateService;
  providers: ProviderService;
  listings: ListingService;
  clients: ClientService;
  budgets: BudgetService;
  bookings: BookingService;
  groupBookings: GroupBookingService;
  visits: VisitService;
  quotes: QuoteService;
  packages: PackageService;
  plans: PlanService;
  reports: ReportService;
}

export function createLoaders(db: DataSource) {
  return {
    ...createReferenceLoaders(db),
    ...createUserLoaders(db),
    ...createPricingLoaders(db),
    ...createProviderLoaders(db),
    ...createListingLoaders(db),
    ...createBudgetLoaders(db),
    ...createBookingLoaders(db),
    ...createQuoteLoaders(db),
    ...createPackageLoaders(db),
    ...createReportLoaders(db),
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
