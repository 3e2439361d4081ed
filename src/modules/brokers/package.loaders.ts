import type { DataSource } from "typeorm";
import { IsNull } from "typeorm";
import DataLoader from "dataloader";
import { groupedInKeyOrder, loaderByKey } from "../../shared/loaders";
import { In } from "typeorm";
import { PackageEntity, PackageItemEntity } from "./package.entity";

export function createPackageLoaders(db: DataSource) {
  return {
    packageById: loaderByKey(db.getRepository(PackageEntity), "id"),
    /** The items still in each package, in order. */
    itemsOfPackage: new DataLoader<string, PackageItemEntity[]>(async (ids) => {
      const items = await db.getRepository(PackageItemEntity).find({ where: { packageId: In([...ids]), removedAt: IsNull() }, order: { position: "ASC" } });
      return groupedInKeyOrder(ids, items, (i) => i.packageId);
    }),
  };
}

export type PackageLoaders = ReturnType<typeof createPackageLoaders>;
