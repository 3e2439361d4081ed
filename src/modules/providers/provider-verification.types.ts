import { ArrayMaxSize, MaxLength } from "class-validator";
import { Field, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType, UserError } from "../../shared/errors";
import { Provider } from "./provider.types";
import { VerificationCheck } from "./provider.enums";

registerEnumType(VerificationCheck, {
  name: "VerificationCheck",
  description: "What was checked before a provider was verified.",
  valuesConfig: {
    CQC_REGISTER: { description: "The provider's CQC location is active in the CQC register imported." },
    DBS: { description: "Disclosure and Barring Service checks of the people who visit." },
    INSURANCE: { description: "Public and employer's liability insurance in force." },
    IDENTITY: { description: "The identity of the person or organisation registering." },
  },
});

@ObjectType({ description: "Who verified a provider, when, having checked what." })
export class ProviderVerification {
  @Field()
  verifiedAt!: Date;

  @Field(() => [VerificationCheck], { description: "Empty for providers listed before verification was required." })
  checks!: VerificationCheck[];
}

@InputType()
export class VerifyProviderInput {
  @Field(() => ID)
  providerId!: string;

  @Field(() => [VerificationCheck], { description: "The checks made (at least one)." })
  @ArrayMaxSize(10)
  checks!: VerificationCheck[];

  @Field({ defaultValue: "", description: "What was seen (e.g. the insurer and policy end date)." })
  @MaxLength(2000)
  note!: string;
}

export const VerifyProviderPayload = payloadType("VerifyProviderPayload", "provider", Provider);

@InputType()
export class ImportCqcRegisterInput {
  @Field({ description: "CQC's HSCA active locations CSV (header included; lines before it are skipped). Larger files: npm run cqc-register." })
  @MaxLength(2_000_000)
  csv!: string;

  @Field({ defaultValue: false, description: "Report what would change; change nothing." })
  dryRun!: boolean;
}

@ObjectType({ description: "A location the import added, changed or found no longer registered." })
export class CqcRegisterChange {
  @Field()
  locationId!: string;

  @Field()
  name!: string;

  @Field({ description: "ADDED, CHANGED or DEREGISTERED." })
  kind!: string;

  @Field({ description: "REGISTERED, DORMANT or DEREGISTERED." })
  status!: string;
}

@ObjectType()
export class ImportCqcRegisterPayload {
  @Field()
  dryRun!: boolean;

  @Field(() => Int, { description: "Locations in the file." })
  locations!: number;

  @Field(() => Int)
  added!: number;

  @Field(() => Int)
  changed!: number;

  @Field(() => Int)
  unchanged!: number;

  @Field(() => Int, { description: "Locations stored before that the file no longer lists." })
  deregistered!: number;

  @Field(() => Int, { description: "Providers whose CQC rating now follows the register's." })
  ratingsUpdated!: number;

  @Field(() => Int, { description: "Regulated listings withdrawn: their provider's CQC location is no longer active." })
  deactivatedListings!: number;

  @Field(() => [CqcRegisterChange], { description: "The first 1,000 changes." })
  changes!: CqcRegisterChange[];

  @Field(() => [UserError], { description: "One per problem, with the CSV line in `field`." })
  userErrors!: UserError[];
}
