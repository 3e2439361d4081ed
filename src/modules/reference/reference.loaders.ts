import type { DataSource } from "typeorm";
import { loaderByKey } from "../../shared/loaders";
import { ServiceCategoryEntity } from "./category.entity";
import { FundingBodyEntity } from "./funding-body.entity";

export function createReferenceLoaders(db: DataSource) {
  return {
    categoryByCode: loaderByKey(db.getRepository(ServiceCategoryEntity), "code"),
    fundingBodyByCode: loaderByKey(db.getRepository(FundingBodyEntity), "code"),
  };
}

export type ReferenceLoaders = ReturnType<typeof createReferenceLoaders>;
