import type { DataSource } from "typeorm";
import { loaderByKey } from "../../shared/loaders";
import { ProviderEntity } from "./provider.entity";

export function createProviderLoaders(db: DataSource) {
  return {
    providerById: loaderByKey(db.getRepository(ProviderEntity), "id"),
  };
}

export type ProviderLoaders = ReturnType<typeof createProviderLoaders>;
