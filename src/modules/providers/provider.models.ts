/** What other modules see of providers: read models, never the entity itself. */
import type { ProviderEntity } from "./provider.entity";

/** A provider as it is now, for display. */
export type ProviderView = Readonly<ProviderEntity>;
