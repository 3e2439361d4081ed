import type { BrokerageChargedTo, BrokerageMode } from "./reference.enums";

/** A funding body's rules: fields left out (undefined) stay as they are. */
export interface UpdateFundingBodySettingsCommand {
  code: string;
  /** null: life-improving bookings never need approval. */
  lifeImprovingApprovalThresholdPence?: number | null;
  brokerageMode?: BrokerageMode | null;
  brokerageFeePence?: number | null;
  brokerageChargedTo?: BrokerageChargedTo | null;
  /** The London hour (12–23) from which EVENING visits may start. */
  eveningFromHour?: number | null;
  referenceFallback?: boolean | null;
}
