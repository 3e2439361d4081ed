import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { payloadType } from "../../shared/errors";
import { Node } from "../../shared/ids";
import { Pence } from "../../shared/money";
import { connectionType } from "../../shared/pagination";
import { LocalDate } from "../../shared/time";
import { BudgetKind } from "../reference";
import { AgeBand, BudgetManagement, ClientSetting, GainMode, LedgerKind } from "./budget.enums";

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
