/** Package rules. Pure: no I/O. */
import { BrokerageMode } from "../reference";

/** The brokerage a funding body pays for a package: a fixed fee, or an hourly rate for the broker's time. */
export function brokerageFee(terms: { brokerageMode: BrokerageMode; brokerageFeePence: number }, brokerageMinutes: number): number {
  if (terms.brokerageMode === BrokerageMode.PER_PACKAGE) return terms.brokerageFeePence;
  if (terms.brokerageMode === BrokerageMode.PER_HOUR) return Math.round((terms.brokerageFeePence * brokerageMinutes) / 60);
  return 0;
}

export function itemLabel(index: number, title: string | undefined): string {
  return `Item ${index + 1}${title ? ` (${title})` : ""}`;
}
