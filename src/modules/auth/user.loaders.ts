import type { DataSource } from "typeorm";
import { loaderByKey } from "../../shared/loaders";
import { UserEntity } from "./user.entity";

export function createUserLoaders(db: DataSource) {
  return {
    userById: loaderByKey(db.getRepository(UserEntity), "id"),
  };
}

export type UserLoaders = ReturnType<typeof createUserLoaders>;
