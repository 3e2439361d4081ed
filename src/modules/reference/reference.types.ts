import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { BrokerageChargedTo, BrokerageMode, BudgetKind, CategoryPurpose, FundingBodyKind, RateType, Unit, Weekday } from "./reference.enums";

registerEnumType(CategoryPurpose, {
  name: "CategoryPurpose",
  description: "Life-sustaining support, or life-improving support that may need a commissioner's sign-off.",
});
registerEnumType(BudgetKind, { name: "BudgetKind", description: "A council personal budget, or an NHS personal health budget." });
registerEnumType(FundingBodyKind, { name: "FundingBodyKind" });
registerEnumType(Unit, { name: "Unit", description: "What one priced unit is. VISIT units carry their length in minutes." });
registerEnumType(RateType, { name: "RateType", description: "The time band a price applies to." });
registerEnumType(Weekday, { name: "Weekday" });
registerEnumType(BrokerageMode, {
  name: "BrokerageMode",
  description: "How a funding body pays for brokerage: not at all, a fee per agreed package, or per hour of broker time.",
});
registerEnumType(BrokerageChargedTo, { name: "BrokerageChargedTo" });

@ObjectType({ implements: Node, simpleResolvers: true, description: "A category of the service taxonomy." })
export class ServiceCategory extends Node {
  @Field()
  code!: string;

  @Field()
  name!: string;

  @Field(() => CategoryPurpose)
  purpose!: CategoryPurpose;

  @Field({ description: "Providing it is regulated by the Care Quality Commission: providers need a CQC location." })
  regulated!: boolean;

  @Field(() => [BudgetKind], { description: "The budget kinds that may pay for it (none: listed so that it can be refused)." })
  allowedFor!: BudgetKind[];

  @Field({ description: "Why the other budget kinds may not pay for it, with the source; empty when every kind may." })
  exclusionNote!: string;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "A council or NHS body that funds personal budgets." })
export class FundingBody extends Node {
  @Field({ description: "ONS code of a council (E09000024), or ODS code of an integrated care board." })
  code!: string;

  @Field()
  name!: string;

  @Field(() => FundingBodyKind)
  kind!: FundingBodyKind;

  @Field(() => Pence, { nullable: true, description: "A life-improving booking costing more needs a commissioner's approval; null: never." })
  lifeImprovingApprovalThresholdPence!: number | null;

  @Field(() => BrokerageMode)
  brokerageMode!: BrokerageMode;

  @Field(() => Pence, { description: "Per agreed package, or per hour of broker time." })
  brokerageFeePence!: number;

  @Field(() => BrokerageChargedTo)
  brokerageChargedTo!: BrokerageChargedTo;

  @Field(() => Int, { description: "EVENING-rate visits start at or after this hour, London time (18 unless the funding body states another)." })
  eveningFromHour!: number;

  @Field({
    description:
      "Where it publishes no rate for a rate type (EVENING, WEEKEND…), prices of that type are compared with its STANDARD rate for the category and unit (basis FALLBACK_STANDARD). False: they have no reference.",
  })
  referenceFallback!: boolean;
}

export const UpdateFundingBodySettingsPayload = payloadType("UpdateFundingBodySettingsPayload", "fundingBody", FundingBody);
