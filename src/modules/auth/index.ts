/** Identity and access: users, their roles and links, bearer tokens. */
import type { Context } from "./context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import { UserEntity } from "./user.entity";
import { UserFields, UserResolver } from "./user.resolver";

export type { UserView } from "./user.models";
export { User } from "./user.types";
export { newcomerViewer, UserService, viewerOf, type UserRecord } from "./user.service";
export type { CreateUserCommand } from "./user.commands";
export { TokenService, type JwtSettings, type TokenClaims } from "./token.service";
export { createUserLoaders, type UserLoaders } from "./user.loaders";
export { PROVIDER_CONFLICT_MESSAGE, rolesBarredFromProviders } from "./user.rules";
export type { Context as AuthContext, AuthServices } from "./context";

export const authModule = {
  entities: [UserEntity],
  resolvers: [UserResolver, UserFields],
  nodes: {
    User: async (id, { viewer, services }) => (isUuid(id) ? services.users.findVisible(viewer, id) : null),
  } satisfies Record<string, NodeFetcher<Context>>,
};
