/** Quotes: clients ask providers for prices; an accepted quote becomes a booking. */
import type { Context } from "./context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import { QuoteEntity, QuoteRequestEntity } from "./quote.entity";
import { BookingQuoteField, QuoteFields, QuoteMutations, QuoteQueries, QuoteRequestFields } from "./quote.resolver";

export * from "./quote.enums";
export { Quote, QuoteRequest } from "./quote.types";
export { QuoteService } from "./quote.service";
export type { AcceptQuoteCommand, QuoteDecisionCommand, QuoteRequestSearch, RequestQuoteCommand, SubmitQuoteCommand } from "./quote.commands";
export { createQuoteLoaders, type QuoteLoaders } from "./quote.loaders";
export type { Context as QuotesContext, QuotesServices } from "./context";

export const quotesModule = {
  entities: [QuoteRequestEntity, QuoteEntity],
  resolvers: [QuoteQueries, QuoteMutations, QuoteRequestFields, QuoteFields, BookingQuoteField],
  nodes: {
    QuoteRequest: async (id, { viewer, services }) => (isUuid(id) ? services.quotes.findVisibleRequest(viewer, id) : null),
    Quote: async (id, { viewer, services, loaders }) => {
      const quote = isUuid(id) ? await loaders.quoteById.load(id) : null;
      const client = quote ? await services.clients.findVisible(viewer, (await loaders.quoteRequestById.load(quote.requestId))?.clientId ?? null) : null;
      return quote && (client || viewer?.providerId === quote.providerId) ? quote : null;
    },
  } satisfies Record<string, NodeFetcher<Context>>,
};
