/** Reference data: the service taxonomy, funding bodies and the vocabulary (units, rate types…). */
import type { NodeFetcher } from "../../shared/ids";
import type { Context } from "./context";
import { ServiceCategoryEntity } from "./category.entity";
import { FundingBodyEntity } from "./funding-body.entity";
import { FundingBodyFields, ReferenceMutations, ReferenceResolver, ServiceCategoryFields } from "./reference.resolver";

export type { FundingBodyView, ServiceCategoryView } from "./reference.models";
export * from "./reference.enums";
export { FundingBody, ServiceCategory } from "./reference.types";
export { ReferenceService, type FundingBodyRecord, type ServiceCategoryRecord } from "./reference.service";
export type { UpdateFundingBodySettingsCommand } from "./reference.commands";
/** Time bands (rule 12): when a visit of each rate type may happen. */
export {
  BANK_HOLIDAYS,
  bandDescription,
  DEFAULT_EVENING_FROM_HOUR,
  firstOutsideBand,
  isBankHoliday,
  NIGHT_FROM_HOUR,
  NIGHT_UNTIL_HOUR,
  outsideBandMessage,
  visitInBand,
  type BandSettings,
} from "./time-band.rules";
export { createReferenceLoaders, type ReferenceLoaders } from "./reference.loaders";
export type { Context as ReferenceContext, ReferenceServices } from "./context";

export const referenceModule = {
  entities: [ServiceCategoryEntity, FundingBodyEntity],
  resolvers: [ReferenceResolver, ReferenceMutations, ServiceCategoryFields, FundingBodyFields],
  nodes: {
    ServiceCategory: (code, { loaders }) => loaders.categoryByCode.load(code),
    FundingBody: (code, { loaders }) => loaders.fundingBodyByCode.load(code),
  } satisfies Record<string, NodeFetcher<Context>>,
};
