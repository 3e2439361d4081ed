import { Field, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { connectionType } from "../../shared/pagination";
import { CqcRating, ProviderKind } from "./provider.enums";

registerEnumType(ProviderKind, {
  name: "ProviderKind",
  valuesConfig: {
    PERSONAL_ASSISTANT: { description: "A self-employed personal assistant (one person)." },
    CHARITY: { description: "A charity or community group." },
    BUSINESS: { description: "A business such as a cleaner, gardener, handyperson or gym." },
  },
});
registerEnumType(CqcRating, {
  name: "CqcRating",
  description: "Care Quality Commission overall rating: INADEQUATE < REQUIRES_IMPROVEMENT < GOOD < OUTSTANDING.",
});

@ObjectType({ implements: Node, simpleResolvers: true, description: "An organisation or sole trader offering services." })
export class Provider extends Node {
  @Field()
  name!: string;

  @Field(() => ProviderKind)
  kind!: ProviderKind;

  @Field()
  description!: string;

  @Field(() => String, { nullable: true, description: "Care Quality Commission location ID, required for regulated services." })
  cqcLocationId!: string | null;

  @Field(() => CqcRating, { nullable: true })
  cqcRating!: CqcRating | null;

  @Field(() => [String], { description: "Postcode districts covered, e.g. SW19." })
  postcodeDistricts!: string[];

  @Field({ description: "Checked by the platform's administrators." })
  verified!: boolean;

  @Field()
  createdAt!: Date;
}

export const ProviderConnection = connectionType(Provider);
export const RegisterProviderPayload = payloadType("RegisterProviderPayload", "provider", Provider);
export const UpdateProviderPayload = payloadType("UpdateProviderPayload", "provider", Provider);
export const SetProviderVerifiedPayload = payloadType("SetProviderVerifiedPayload", "provider", Provider);
