import { ArrayMaxSize, IsOptional, Length, MaxLength } from "class-validator";
import { Field, ID, InputType } from "type-graphql";
import { CqcRating, ProviderKind } from "./provider.enums";

@InputType()
export class RegisterProviderInput {
  @Field()
  @Length(1, 200)
  name!: string;

  @Field(() => ProviderKind)
  kind!: ProviderKind;

  @Field({ defaultValue: "" })
  @MaxLength(5000)
  description!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20)
  cqcLocationId?: string | null;

  @Field(() => CqcRating, { nullable: true })
  cqcRating?: CqcRating | null;

  @Field(() => [String], { defaultValue: [], description: "Codes of the funding bodies whose area it serves." })
  @ArrayMaxSize(50)
  serviceAreaCodes!: string[];

  @Field(() => [String], { defaultValue: [], description: "Postcode districts covered, e.g. SW19." })
  @ArrayMaxSize(200)
  postcodeDistricts!: string[];
}

/** Fields left out stay as they are; null clears a nullable field. */
@InputType()
export class UpdateProviderInput {
  @Field(() => ID)
  providerId!: string;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string | null;

  @Field(() => ProviderKind, { nullable: true })
  kind?: ProviderKind | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(5000)
  description?: string | null;

  @Field(() => String, { nullable: true })
  @IsOptional()
  @MaxLength(20)
  cqcLocationId?: string | null;

  @Field(() => CqcRating, { nullable: true })
  cqcRating?: CqcRating | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(50)
  serviceAreaCodes?: string[] | null;

  @Field(() => [String], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(200)
  postcodeDistricts?: string[] | null;
}

@InputType()
export class SetProviderVerifiedInput {
  @Field(() => ID)
  providerId!: string;

  @Field()
  verified!: boolean;
}

@InputType()
export class ProviderFilter {
  @Field(() => [ProviderKind], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  kinds?: ProviderKind[] | null;

  @Field(() => String, { nullable: true, description: "Providers serving this funding body's area." })
  @IsOptional()
  @MaxLength(9)
  fundingBodyCode?: string | null;

  @Field(() => String, { nullable: true, description: "Providers covering this postcode district." })
  @IsOptional()
  @MaxLength(4)
  postcodeDistrict?: string | null;

  @Field(() => CqcRating, { nullable: true, description: "Only providers rated this or better." })
  minCqcRating?: CqcRating | null;

  @Field(() => String, { nullable: true, description: "Words in the provider's name." })
  @IsOptional()
  @MaxLength(200)
  text?: string | null;

  @Field(() => Boolean, { nullable: true })
  verified?: boolean | null;
}
