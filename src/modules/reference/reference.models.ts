/** What other modules see of reference data: read models, never the entities themselves. */
import type { ServiceCategoryEntity } from "./category.entity";
import type { FundingBodyEntity } from "./funding-body.entity";

/** A funding body (council or NHS body) and its settings. */
export type FundingBodyView = Readonly<FundingBodyEntity>;

/** A category of the service taxonomy. */
export type ServiceCategoryView = Readonly<ServiceCategoryEntity>;
