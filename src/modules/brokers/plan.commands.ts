/** What the planner is asked: plain commands, raw uuids (null: an ID that names nothing). */
import type { CqcRating } from "../providers";
import type { Unit, Weekday } from "../reference";

/** A need of the support plan: what, how much a week, and when. */
export interface Need {
  categoryCode: string;
  /** Units a week (hours by default). */
  unitsPerWeek: number;
  unit: Unit;
  days?: Weekday[] | null;
  /** HH:MM, London time. */
  from?: string | null;
  /** HH:MM (24:00 for midnight). */
  to?: string | null;
  minCqcRating?: CqcRating | null;
}

export interface PlanPackageCommand {
  clientId: string | null;
  budgetId: string | null;
  needs: Need[];
  /** At most this many different providers; null: no limit. */
  maxProviders?: number | null;
}
