import { Arg, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from "type-graphql";
import type { Context } from "./context";
import { Role, signedIn } from "../../shared/auth";
import { toInputPayload } from "../../shared/errors";
import { uuidOf } from "../../shared/ids";
import { User, type UserView } from "../auth";
import { FundingBody, type FundingBodyView } from "../reference";
import type { ProviderVerificationEntity } from "./provider-verification.entity";
import { seesVerificationDetails } from "./provider-verification.service";
import {
  ImportCqcRegisterInput,
  ImportCqcRegisterPayload,
  ProviderVerification,
  VerifyProviderInput,
  VerifyProviderPayload,
} from "./provider-verification.types";
import type { ProviderEntity } from "./provider.entity";
import { Provider } from "./provider.types";

const MAX_CHANGES = 1_000;

@Authorized(Role.ADMIN, Role.COMMISSIONER)
@Resolver()
export class ProviderVerificationMutations {
  @Mutation(() => VerifyProviderPayload, {
    description: "Records the checks made on a provider and shows its listings to everyone (admin, or a commissioner of a funding body it serves).",
  })
  async verifyProvider(@Arg("input") input: VerifyProviderInput, @Ctx() { viewer, services, loaders }: Context) {
    const command = { providerId: uuidOf(input.providerId, "Provider"), checks: input.checks, note: input.note };
    const result = await services.verifications.verify(signedIn(viewer), command);
    if (result.ok) loaders.providerById.clear(result.value.id).prime(result.value.id, result.value);
    return toInputPayload("provider", result);
  }

  @Authorized(Role.ADMIN)
  @Mutation(() => ImportCqcRegisterPayload, {
    description: "Loads CQC's public register of active locations; regulated listings of providers whose location left it are withdrawn.",
  })
  async importCqcRegister(@Arg("input") input: ImportCqcRegisterInput, @Ctx() { services }: Context): Promise<ImportCqcRegisterPayload> {
    const result = await services.cqcRegister.import({ csv: input.csv, dryRun: input.dryRun });
    const { userErrors } = toInputPayload("summary", result);
    if (!result.ok) {
      return {
        dryRun: input.dryRun,
        locations: 0,
        added: 0,
        changed: 0,
        unchanged: 0,
        deregistered: 0,
        ratingsUpdated: 0,
        deactivatedListings: 0,
        changes: [],
        userErrors,
      };
    }
    const summary = result.value;
    return { ...summary, deactivatedListings: summary.deactivatedListings.length, changes: summary.changes.slice(0, MAX_CHANGES), userErrors };
  }
}

@Resolver(() => Provider)
export class ProviderVerificationField {
  @FieldResolver(() => ProviderVerification, { nullable: true, description: "The latest verification; null while unverified." })
  verification(@Root() provider: ProviderEntity, @Ctx() { loaders }: Context): Promise<ProviderVerificationEntity | null> | null {
    return provider.verified ? loaders.verificationOfProvider.load(provider.id) : null;
  }
}

@Resolver(() => ProviderVerification)
export class ProviderVerificationFields {
  @FieldResolver(() => User, {
    nullable: true,
    description: "Who verified it: for admins, commissioners of its area and its own members; null otherwise, and for providers listed before verification.",
  })
  async by(@Root() verification: ProviderVerificationEntity, @Ctx() { viewer, loaders }: Context): Promise<UserView | null> {
    if (!verification.verifiedByUserId || !(await this.seesDetails(verification, viewer, loaders))) return null;
    return loaders.userById.load(verification.verifiedByUserId);
  }

  @FieldResolver(() => FundingBody, { nullable: true, description: "The funding body of the commissioner who verified it; null when an admin did." })
  async byFundingBody(@Root() verification: ProviderVerificationEntity, @Ctx() { loaders }: Context): Promise<FundingBodyView | null> {
    const user = verification.verifiedByUserId ? await loaders.userById.load(verification.verifiedByUserId) : null;
    return user?.fundingBodyCode ? loaders.fundingBodyByCode.load(user.fundingBodyCode) : null;
  }

  @FieldResolver(() => String, { nullable: true, description: "The verifier's note: for admins, commissioners of its area and its own members." })
  async note(@Root() verification: ProviderVerificationEntity, @Ctx() { viewer, loaders }: Context): Promise<string | null> {
    return (await this.seesDetails(verification, viewer, loaders)) ? verification.note : null;
  }

  private async seesDetails(verification: ProviderVerificationEntity, viewer: Context["viewer"], loaders: Context["loaders"]): Promise<boolean> {
    const provider = await loaders.providerById.load(verification.providerId);
    return provider !== null && seesVerificationDetails(viewer, provider);
  }
}
