import { Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { connectionType } from "../../shared/pagination";
import { LocalDate } from "../../shared/time";
import { PayeeRelationship } from "../bookings";
import { BrokerageChargedTo } from "../reference";
import { PackageStatus } from "./package.enums";

registerEnumType(PackageStatus, { name: "PackageStatus" });

@ObjectType({ implements: Node, simpleResolvers: true, description: "A broker's arrangement of several services for one client and budget." })
export class Package extends Node {
  @Field(() => PackageStatus)
  status!: PackageStatus;

  @Field(() => Int)
  brokerageMinutes!: number;

  @Field(() => Pence, { description: "Fixed when agreed, from the funding body's brokerage terms." })
  brokerageFeePence!: number;

  @Field(() => BrokerageChargedTo, { nullable: true })
  brokerageChargedTo!: BrokerageChargedTo | null;

  @Field(() => Date, { nullable: true })
  agreedAt!: Date | null;

  @Field()
  createdAt!: Date;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "One service of a package, with what it is estimated to cost over the budget period." })
export class PackageItem extends Node {
  @Field(() => Int)
  position!: number;

  @Field()
  startsAt!: Date;

  @Field(() => String, { nullable: true })
  recurrence!: string | null;

  @Field(() => Float)
  unitsPerVisit!: number;

  @Field(() => LocalDate, { nullable: true })
  endsOn!: string | null;

  @Field(() => PayeeRelationship)
  payeeRelationship!: PayeeRelationship;

  @Field(() => Int)
  visitCount!: number;

  @Field(() => Pence, { description: "Every visit in the budget period (the year's cost)." })
  costPence!: number;

  @Field(() => Pence, { nullable: true, description: "The same visits at the funding body's rates; null without one." })
  referenceCostPence!: number | null;

  @Field(() => Pence, { description: "Savings the budget's gain policy would earmark for the funder." })
  earmarkPence!: number;
}

export const PackageConnection = connectionType(Package);
export const CreatePackagePayload = payloadType("CreatePackagePayload", "package", Package);
export const AddPackageItemPayload = payloadType("AddPackageItemPayload", "package", Package);
export const RemovePackageItemPayload = payloadType("RemovePackageItemPayload", "package", Package);
export const LogBrokerageTimePayload = payloadType("LogBrokerageTimePayload", "package", Package);
export const ProposePackagePayload = payloadType("ProposePackagePayload", "package", Package);
export const AgreePackagePayload = payloadType("AgreePackagePayload", "package", Package, "Every item booked, or none.");
export const CancelPackagePayload = payloadType("CancelPackagePayload", "package", Package);
