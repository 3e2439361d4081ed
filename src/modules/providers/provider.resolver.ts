import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { PUBLIC, Role, SIGNED_IN, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { toGlobalId, uuidOf } from "../../shared/ids";
import { PageArgs, type Connection } from "../../shared/pagination";
import { User, type UserView } from "../auth";
import { FundingBody, type FundingBodyView } from "../reference";
import type { RegisterProviderCommand, UpdateProviderCommand } from "./provider.commands";
import { ProviderEntity } from "./provider.entity";
import { ProviderFilter, RegisterProviderInput, SetProviderVerifiedInput, UpdateProviderInput } from "./provider.inputs";
import { Provider, ProviderConnection, RegisterProviderPayload, SetProviderVerifiedPayload, UpdateProviderPayload } from "./provider.types";

@Authorized(PUBLIC)
@Resolver()
export class ProviderCatalogueResolver {
  @Query(() => Provider, { nullable: true })
  provider(@Arg("id", () => ID) id: string, @Ctx() { loaders }: Context): Promise<ProviderEntity | null> | null {
    const key = uuidOf(id, "Provider");
    return key ? loaders.providerById.load(key) : null;
  }

  @Query(() => ProviderConnection, { description: "Providers by name." })
  providers(
    @Arg("filter", () => ProviderFilter, { nullable: true }) filter: ProviderFilter | null,
    @Args() page: PageArgs,
    @Ctx() { services }: Context,
  ): Promise<Connection<ProviderEntity>> {
    return services.providers.search(filter, page);
  }
}

@Authorized()
@Resolver()
export class ProviderMutations {
  @Authorized(SIGNED_IN)
  @Mutation(() => RegisterProviderPayload, {
    description:
      "Creates an unverified provider and makes the signed-in person its member (a newcomer's user is created with it). A repeat with the same name returns the same provider.",
  })
  async registerProvider(@Arg("input") input: RegisterProviderInput, @Ctx() { viewer, services }: Context) {
    return toInputPayload("provider", await services.providers.register(signedIn(viewer), registrationOf(input)));
  }

  @Authorized(Role.PROVIDER, Role.ADMIN)
  @Mutation(() => UpdateProviderPayload, { description: "Members edit their own provider; admins any." })
  async updateProvider(@Arg("input") input: UpdateProviderInput, @Ctx() { viewer, services, loaders }: Context) {
    const result = await services.providers.update(signedIn(viewer), changeOf(input));
    if (result.ok) loaders.providerById.clear(result.value.id).prime(result.value.id, result.value);
    return toInputPayload("provider", result);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => SetProviderVerifiedPayload, {
    description:
      "Marks a provider verified (prefer verifyProvider, which records the checks made), or withdraws its verification: its listings leave others' searches.",
  })
  async setProviderVerified(@Arg("input") input: SetProviderVerifiedInput, @Ctx() { viewer, services }: Context) {
    const command = { providerId: uuidOf(input.providerId, "Provider"), verified: input.verified };
    return toInputPayload("provider", await services.providers.setVerified(signedIn(viewer), command));
  }
}

function registrationOf(input: RegisterProviderInput): RegisterProviderCommand {
  return {
    name: input.name,
    kind: input.kind,
    description: input.description,
    cqcLocationId: input.cqcLocationId ?? null,
    cqcRating: input.cqcRating ?? null,
    serviceAreaCodes: input.serviceAreaCodes,
    postcodeDistricts: input.postcodeDistricts,
  };
}

function changeOf(input: UpdateProviderInput): UpdateProviderCommand {
  const { providerId, name, kind, description, cqcLocationId, cqcRating, serviceAreaCodes, postcodeDistricts } = input;
  return { providerId: uuidOf(providerId, "Provider"), name, kind, description, cqcLocationId, cqcRating, serviceAreaCodes, postcodeDistricts };
}

@Resolver(() => Provider)
export class ProviderFields {
  @FieldResolver(() => ID)
  id(@Root() provider: ProviderEntity): string {
    return toGlobalId("Provider", provider.id);
  }

  @FieldResolver(() => [FundingBody], { description: "The funding bodies whose area it serves." })
  async serviceAreas(@Root() provider: ProviderEntity, @Ctx() { loaders }: Context): Promise<FundingBodyView[]> {
    const bodies = await loaders.fundingBodyByCode.loadMany(provider.serviceAreas);
    return bodies.filter((b): b is FundingBodyView => b !== null && !(b instanceof Error));
  }
}

@Resolver(() => User)
export class UserProviderField {
  @FieldResolver(() => Provider, { nullable: true, description: "The provider this user works for." })
  provider(@Root() user: UserView, @Ctx() { loaders }: Context): Promise<ProviderEntity | null> | null {
    return user.providerId ? loaders.providerById.load(user.providerId) : null;
  }
}
