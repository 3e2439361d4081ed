import DataLoader from "dataloader";
import type { DataSource } from "typeorm";
import { inKeyOrder, loaderByKey } from "../../shared/loaders";
import { ProviderVerificationEntity } from "./provider-verification.entity";
import { ProviderEntity } from "./provider.entity";

export function createProviderLoaders(db: DataSource) {
  return {
    providerById: loaderByKey(db.getRepository(ProviderEntity), "id"),
    /** Each provider's latest verification: one statement for the providers of a page. */
    verificationOfProvider: new DataLoader<string, ProviderVerificationEntity | null>(async (providerIds) => {
      const rows = await db
        .getRepository(ProviderVerificationEntity)
        .createQueryBuilder("v")
        .distinctOn(["v.provider_id"])
        .where("v.provider_id = ANY(:ids)", { ids: [...providerIds] })
        .orderBy("v.provider_id")
        .addOrderBy("v.verified_at", "DESC")
        .addOrderBy("v.id", "DESC")
        .getMany();
      return inKeyOrder(providerIds, rows, (v) => v.providerId);
    }),
  };
}

export type ProviderLoaders = ReturnType<typeof createProviderLoaders>;
