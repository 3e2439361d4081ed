/**
 * The request context as the auth module's resolvers see it: the reference module's context (so every
 * module below this one) plus this module's own services and loaders. Modules above this one are not visible here.
 */
import type { Extend } from "../../context";
import type { ReferenceContext } from "../reference";
import type { TokenService } from "./token.service";
import type { UserLoaders } from "./user.loaders";
import type { UserService } from "./user.service";

export interface AuthServices {
  tokens: TokenService;
  users: UserService;
}

export type Context = Extend<ReferenceContext, AuthServices, UserLoaders>;
