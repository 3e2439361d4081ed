import type { DataSource } from "typeorm";
import { loaderByForeignKey, loaderByKey } from "../../shared/loaders";
import { QuoteEntity, QuoteRequestEntity } from "./quote.entity";

export function createQuoteLoaders(db: DataSource) {
  return {
    quoteRequestById: loaderByKey(db.getRepository(QuoteRequestEntity), "id"),
    quoteById: loaderByKey(db.getRepository(QuoteEntity), "id"),
    quotesOfRequest: loaderByForeignKey(db.getRepository(QuoteEntity), "requestId"),
  };
}

export type QuoteLoaders = ReturnType<typeof createQuoteLoaders>;
