/** Providers: organisations and sole traders offering services (Open Referral "organization"). */
import type { Context } from "./context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import { CqcLocationEntity } from "./cqc-location.entity";
import { ProviderVerificationEntity } from "./provider-verification.entity";
import { ProviderEntity } from "./provider.entity";
import { ProviderVerificationField, ProviderVerificationFields, ProviderVerificationMutations } from "./provider-verification.resolver";
import { ProviderCatalogueResolver, ProviderFields, ProviderMutations, UserProviderField } from "./provider.resolver";

export type { ProviderView } from "./provider.models";
export { CqcLocationStatus, CqcRating, ProviderKind, VerificationCheck } from "./provider.enums";
export { Provider } from "./provider.types";
export { ProviderService, type ProviderRecord, type RegulatedListingCounter } from "./provider.service";
export type { ProviderSearch, RegisterProviderCommand, SetProviderVerifiedCommand, UpdateProviderCommand } from "./provider.commands";
export { createProviderLoaders, type ProviderLoaders } from "./provider.loaders";
export { isPostcodeDistrict, isSinglePerson, normalisePostcodeDistrict, showsListingsOf } from "./provider.rules";
export { CqcRegisterService, type CqcImportCommand, type CqcImportSummary, type RegulatedListingDeactivator } from "./cqc-register.service";
export { ProviderVerificationService, type VerifyProviderCommand } from "./provider-verification.service";
export { CQC_COLUMNS, parseRegister, REGULATED_ACTIVITY_PREFIX } from "./cqc-register.rules";
export type { Context as ProvidersContext, ProvidersServices } from "./context";

export const providersModule = {
  entities: [ProviderEntity, ProviderVerificationEntity, CqcLocationEntity],
  resolvers: [
    ProviderCatalogueResolver,
    ProviderMutations,
    ProviderFields,
    UserProviderField,
    ProviderVerificationMutations,
    ProviderVerificationField,
    ProviderVerificationFields,
  ],
  nodes: {
    Provider: async (id, { loaders }) => (isUuid(id) ? loaders.providerById.load(id) : null),
  } satisfies Record<string, NodeFetcher<Context>>,
};
