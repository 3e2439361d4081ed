/** What other modules see of reference rates: read models, never the entity itself. */
import type { ReferenceRateEntity } from "./reference-rate.entity";

/** One version of a reference rate, effective-dated (rates are never edited in place). */
export type ReferenceRateView = Readonly<ReferenceRateEntity>;
