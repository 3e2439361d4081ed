/** Quote lifecycle rules. Pure: no I/O. */
import { Role, type Viewer } from "../../shared/auth";
import type { ClientColumns, RowScope } from "../budgets";
import { QuoteStatus } from "./quote.enums";

/** A submitted quote past its validUntil reads as EXPIRED; nothing needs to run at expiry. */
export function effectiveStatus(quote: { status: QuoteStatus; validUntil: Date }, now: Date): QuoteStatus {
  return quote.status === QuoteStatus.SUBMITTED && quote.validUntil.getTime() <= now.getTime() ? QuoteStatus.EXPIRED : quote.status;
}

/**
 * SQL: may provider :providerId see quote request `r`? Named providers, providers serving the
 * client's area with an active listing in the category (while the request is open), and any
 * provider that has quoted on it.
 */
export const PROVIDER_SEES_REQUEST = `(
  (r.status = 'OPEN' AND (
    r.named_provider_ids @> ARRAY[:providerId]::uuid[]
    OR (EXISTS (SELECT 1 FROM providers p WHERE p.id = :providerId
                 AND (p.service_areas @> ARRAY[r.funding_body_code]::varchar[] OR p.postcode_districts @> ARRAY[r.postcode_district]::varchar[]))
        AND EXISTS (SELECT 1 FROM listings l WHERE l.provider_id = :providerId AND l.active AND l.category_code = r.category_code))))
  OR EXISTS (SELECT 1 FROM quotes q WHERE q.request_id = r.id AND q.provider_id = :providerId))`;

/** Where a quote request row `r` names its client, for the one client-visibility policy (restrictToActFor). */
export const REQUEST_CLIENT: ClientColumns = { clientId: "r.client_id", fundingBodyCode: "r.funding_body_code" };

/** The requests a provider's member sees besides those of clients they act for (PROVIDER_SEES_REQUEST); none for anyone else. */
export function providerSeesRequests(viewer: Viewer): RowScope {
  return viewer.roles.has(Role.PROVIDER) && viewer.providerId
    ? { all: false, conditions: [PROVIDER_SEES_REQUEST], params: { providerId: viewer.providerId } }
    : { all: false, conditions: [], params: {} };
}

/** A quote's units in all: units per visit (hundredths) times its visits, exact to the hundredth. */
export function totalUnits(unitsPerVisit: number, visitCount: number): number {
  return (Math.round(unitsPerVisit * 100) * visitCount) / 100;
}
