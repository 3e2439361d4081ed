import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { PUBLIC, Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { optionalUuidOf, toGlobalId } from "../../shared/ids";
import { FundingBody, type FundingBodyView } from "../reference";
import type { CreateUserCommand } from "./user.commands";
import { UserEntity } from "./user.entity";
import { CreateUserInput } from "./user.inputs";
import { CreateUserPayload, User } from "./user.types";

@Authorized(Role.ADMIN, Role.COMMISSIONER)
@Resolver()
export class UserResolver {
  @Authorized(PUBLIC)
  @Query(() => User, { nullable: true, description: "The signed-in user; null when anonymous." })
  viewer(@Ctx() { viewer, services, loaders }: Context): Promise<UserEntity | null> | UserEntity | null {
    if (viewer?.newcomer) return services.users.newcomerUser(viewer);
    return viewer ? loaders.userById.load(viewer.userId) : null;
  }

  @Mutation(() => CreateUserPayload, {
    description: "Admins create anyone; a commissioner creates CLIENT and BROKER users of their own funding body.",
  })
  async createUser(@Arg("input") input: CreateUserInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("user", await services.users.create(signedIn(viewer), commandOf(input)));
  }
}

function commandOf(input: CreateUserInput): CreateUserCommand {
  return {
    email: input.email,
    displayName: input.displayName,
    roles: input.roles,
    subject: input.subject ?? null,
    providerId: optionalUuidOf(input.providerId, "Provider"),
    clientId: optionalUuidOf(input.clientId, "Client"),
    fundingBodyCode: input.fundingBodyCode ?? null,
  };
}

@Resolver(() => User)
export class UserFields {
  @FieldResolver(() => ID)
  id(@Root() user: UserEntity): string {
    return toGlobalId("User", user.id);
  }

  @FieldResolver(() => FundingBody, { nullable: true, description: "The council or NHS body a commissioner or broker works for." })
  fundingBody(@Root() user: UserEntity, @Ctx() { loaders }: Context): Promise<FundingBodyView | null> | null {
    return user.fundingBodyCode ? loaders.fundingBodyByCode.load(user.fundingBodyCode) : null;
  }
}
