/** The events quotes record: what the body's `data` carries and who may hear it. */
import type { EntityManager } from "typeorm";
import { insertRows } from "../../shared/db";
import { toGlobalId } from "../../shared/ids";
import { EventType, type EventService, type NewEvent, type WatchedPrice } from "../events";
import type { ListingService, ListingTerms } from "../listings";
import { QuoteEntity, QuoteRequestEntity } from "./quote.entity";

/** Inserts a submitted quote with its QUOTE_SUBMITTED event and, when its price trips an alert, a PRICE_RISE, in `tx`. */
export async function insertSubmitted(tx: EntityManager, quote: QuoteEntity, events: EventService, listings: ListingService): Promise<void> {
  await insertRows(tx, QuoteEntity, [quote]);
  const request = await tx.findOneByOrFail(QuoteRequestEntity, { id: quote.requestId });
  await events.record(tx, quoteSubmitted(quote, request));
  const listing = await listings.forBooking(tx, quote.listingId);
  if (listing) await events.watchPrice(tx, quotedPrice(quote, request, listing));
}

/** QUOTE_REQUESTED: heard by providers who may see the request (area and category, or named), and the client's side. */
export function quoteRequested(request: QuoteRequestEntity): NewEvent {
  return {
    type: EventType.QUOTE_REQUESTED,
    data: {
      quoteRequestId: toGlobalId("QuoteRequest", request.id),
      categoryCode: request.categoryCode,
      postcodeDistrict: request.postcodeDistrict,
      startsOn: request.startsOn,
      endsOn: request.endsOn,
    },
    audience: { clientId: request.clientId, fundingBodyCode: request.fundingBodyCode, quoteRequestId: request.id },
  };
}

/** QUOTE_SUBMITTED: heard by the quoting provider and the client's side, never by rival providers. */
export function quoteSubmitted(quote: QuoteEntity, request: QuoteRequestEntity): NewEvent {
  return {
    type: EventType.QUOTE_SUBMITTED,
    data: {
      quoteId: toGlobalId("Quote", quote.id),
      quoteRequestId: toGlobalId("QuoteRequest", request.id),
      providerId: toGlobalId("Provider", quote.providerId),
      listingId: toGlobalId("Listing", quote.listingId),
    },
    audience: { providerId: quote.providerId, clientId: request.clientId, fundingBodyCode: request.fundingBodyCode },
  };
}

/** A quote's price, watched for the request's funding body: above the reference rate, or over its listing's price by more than the threshold. */
export function quotedPrice(quote: QuoteEntity, request: QuoteRequestEntity, listing: ListingTerms): WatchedPrice {
  return {
    subject: { type: "Quote", id: quote.id },
    listingId: listing.id,
    terms: listing,
    fundingBodyCodes: [request.fundingBodyCode],
    previousPence: listing.pricePence,
    pricePence: quote.unitPricePence,
  };
}
