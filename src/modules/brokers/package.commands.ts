/** What the package service is asked to do: plain commands, raw uuids (null: an ID that names nothing). */
import type { PayeeRelationship, Schedule } from "../bookings";
import type { PackageStatus } from "./package.enums";

export interface CreatePackageCommand {
  clientId: string | null;
  budgetId: string | null;
}

/** A service for a draft: its Schedule (the first visit; recurrences keep its London wall-clock time) and terms. */
export interface AddPackageItemCommand extends Schedule {
  packageId: string | null;
  listingId: string | null;
  /** No visits after this London day; null: the budget period's end. */
  endsOn: string | null;
  payeeRelationship: PayeeRelationship;
}

export interface PackageItemRef {
  packageId: string | null;
  itemId: string | null;
}

export interface PackageRef {
  packageId: string | null;
}

export interface LogBrokerageTimeCommand {
  packageId: string | null;
  minutes: number;
}

export interface AgreePackageCommand {
  packageId: string | null;
  idempotencyKey: string;
}

export interface CancelPackageCommand {
  packageId: string | null;
  idempotencyKey: string;
}

export interface PackageSearch {
  statuses?: PackageStatus[] | null;
  /** undefined: every client; null: an ID that names no client (so nothing matches). */
  clientId?: string | null;
}
