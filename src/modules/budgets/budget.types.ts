import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { connectionType } from "../../shared/pagination";
import { LocalDate } from "../../shared/time";
import { BudgetKind } from "../reference";
import { AgeBand, BudgetManagement, BudgetStatus, ClientSetting, GainMode, LedgerKind, SurplusDisposal } from "./budget.enums";

registerEnumType(ClientSetting, { name: "ClientSetting" });
registerEnumType(AgeBand, { name: "AgeBand" });
registerEnumType(BudgetManagement, {
  name: "BudgetManagement",
  valuesConfig: {
    DIRECT_PAYMENT: { description: "Paid to the person, who buys their own support." },
    COUNCIL_MANAGED: { description: "Kept by the funding body, spent as the person directs (a notional budget)." },
    THIRD_PARTY_MANAGED: { description: "Held by an organisation on the person's behalf." },
  },
});
registerEnumType(LedgerKind, { name: "LedgerKind", description: "What a ledger entry did to the budget's money." });
registerEnumType(BudgetStatus, {
  name: "BudgetStatus",
  valuesConfig: {
    OPEN: { description: "The period is running, or ended and not yet closed: the budget takes commitments." },
    CLOSED: { description: "Closed (closeBudget): the surplus is fixed and disposed of; no new commitments." },
  },
});
registerEnumType(SurplusDisposal, {
  name: "SurplusDisposal",
  valuesConfig: {
    RECLAIM: { description: "Repaid to the funder: a CLAWBACK entry (Care Act 2014 s.33(5), Direct Payments Regulations 2014 reg. 7)." },
    CARRY_FORWARD: { description: "Moved to the next period's budget, in the same transaction." },
    KEEP: { description: "Left with the person." },
  },
});
registerEnumType(GainMode, {
  name: "GainMode",
  valuesConfig: {
    RETAIN: { description: "Savings stay in the budget (today's practice)." },
    RETURN: { description: "Savings go back to the funder: earmarked when booked, returned when delivered." },
    SHARE: { description: "returnPercent of each saving goes back; the rest stays." },
  },
});

@ObjectType({ description: "What happens to savings against the reference rate." })
export class GainPolicy {
  @Field(() => GainMode)
  mode!: GainMode;

  @Field(() => Int)
  returnPercent!: number;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "A person who holds a budget." })
export class Client extends Node {
  @Field()
  displayName!: string;

  @Field()
  postcodeDistrict!: string;

  @Field(() => ClientSetting)
  setting!: ClientSetting;

  @Field()
  createdAt!: Date;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "A personal budget: an allocation spent through an append-only ledger." })
export class Budget extends Node {
  @Field(() => BudgetKind)
  kind!: BudgetKind;

  @Field(() => BudgetManagement)
  management!: BudgetManagement;

  @Field(() => LocalDate)
  periodStart!: string;

  @Field(() => LocalDate)
  periodEnd!: string;

  @Field(() => LocalDate, { description: "When the funding body must review it (reg. 7: within 6 months, then yearly)." })
  reviewDueOn!: string;

  @Field(() => Pence, { description: "Allocation plus top-ups." })
  allocatedPence!: number;

  @Field(() => Pence, { description: "Reserved for booked visits not yet delivered." })
  committedPence!: number;

  @Field(() => Pence, { description: "Paid for delivered visits and fees, less refunds." })
  spentPence!: number;

  @Field(() => Pence, { description: "Handed back to the funder." })
  returnedPence!: number;

  @Field(() => BudgetStatus)
  status!: BudgetStatus;

  @Field(() => Pence, { nullable: true, description: "Fixed at close: what was left once every commitment was released. Null while OPEN." })
  surplusPence!: number | null;

  @Field(() => Pence, { description: "Surplus repaid to the funder at close (CLAWBACK)." })
  reclaimedPence!: number;

  @Field(() => Pence, { description: "Surplus moved to the next period's budget at close (CARRY_FORWARD_OUT)." })
  carriedForwardPence!: number;

  @Field(() => SurplusDisposal, { nullable: true, description: "What the close did with the surplus. Null while OPEN." })
  disposal!: SurplusDisposal | null;

  @Field(() => Date, { nullable: true })
  closedAt!: Date | null;

  @Field()
  createdAt!: Date;
}

@ObjectType({ implements: Node, simpleResolvers: true, description: "One movement of a budget's money. Never changed: corrections are new entries." })
export class LedgerEntry extends Node {
  @Field(() => LedgerKind)
  kind!: LedgerKind;

  @Field(() => Pence, { description: "Always positive; the kind says which way it moved." })
  amountPence!: number;

  @Field()
  memo!: string;

  @Field()
  occurredAt!: Date;
}

export const ClientConnection = connectionType(Client);
export const BudgetConnection = connectionType(Budget);
export const LedgerEntryConnection = connectionType(LedgerEntry);
export const CreateClientPayload = payloadType("CreateClientPayload", "client", Client);
export const AssignBrokerPayload = payloadType("AssignBrokerPayload", "client", Client);
export const CreateBudgetPayload = payloadType("CreateBudgetPayload", "budget", Budget);
export const TopUpBudgetPayload = payloadType("TopUpBudgetPayload", "budget", Budget);
export const SetGainPolicyPayload = payloadType("SetGainPolicyPayload", "budget", Budget);
