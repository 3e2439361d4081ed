/** Brokers: packages of services arranged for a client, agreed at once, and planned by optimisation. */
import type { Context } from "./context";
import { isUuid, type NodeFetcher } from "../../shared/ids";
import { PackageEntity, PackageItemEntity } from "./package.entity";
import { PlanningRefusalEntity } from "./planning-refusal.entity";
import { PackageDecisions, PackageFields, PackageItemFields, PackageMutations, PackageQueries } from "./package.resolver";
import { PlanMutations, PlannedItemFields } from "./plan.resolver";

export { PackageStatus } from "./package.enums";
export { PackageService } from "./package.service";
export type {
  AddPackageItemCommand,
  AgreePackageCommand,
  CreatePackageCommand,
  LogBrokerageTimeCommand,
  PackageItemRef,
  PackageRef,
  PackageSearch,
} from "./package.commands";
export { PlanSolverPool } from "./plan-solver.pool";
export { PlanService, type PackagePlanRecord, type PlanAsk, type PlannedItemRecord, type UnmetNeedRecord } from "./plan.service";
export type { Need, PlanPackageCommand } from "./plan.commands";
export { UnmetReason } from "./plan.enums";
export { createPackageLoaders, type PackageLoaders } from "./package.loaders";
export type { Context as BrokersContext, BrokersServices } from "./context";

export const brokersModule = {
  entities: [PackageEntity, PackageItemEntity, PlanningRefusalEntity],
  resolvers: [PackageQueries, PackageMutations, PackageDecisions, PackageFields, PackageItemFields, PlanMutations, PlannedItemFields],
  nodes: {
    Package: async (id, { viewer, services }) => (isUuid(id) ? ((await services.packages.findVisible(viewer, id))?.pkg ?? null) : null),
  } satisfies Record<string, NodeFetcher<Context>>,
};
