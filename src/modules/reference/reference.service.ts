import type { DataSource, EntityManager, Repository } from "typeorm";
import { In } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { notFound, ok, type Result } from "../../shared/errors";
import { ServiceCategoryEntity } from "./category.entity";
import { FundingBodyEntity } from "./funding-body.entity";
import type { UpdateFundingBodySettingsCommand } from "./reference.commands";
import type { BrokerageChargedTo, BrokerageMode, BudgetKind, CategoryPurpose, FundingBodyKind } from "./reference.enums";

/** A service category, as other modules read it. */
export interface ServiceCategoryRecord {
  readonly code: string;
  readonly name: string;
  readonly purpose: CategoryPurpose;
  /** Providing it is a CQC-regulated activity. */
  readonly regulated: boolean;
  readonly allowedFor: BudgetKind[];
  readonly sortOrder: number;
  /** Why some budget kinds may not pay for it, with the source; empty when every kind may. */
  readonly exclusionNote: string;
}

/** A funding body and its rules, as other modules read them. */
export interface FundingBodyRecord {
  readonly code: string;
  readonly name: string;
  readonly kind: FundingBodyKind;
  readonly lifeImprovingApprovalThresholdPence: number | null;
  readonly brokerageMode: BrokerageMode;
  readonly brokerageFeePence: number;
  readonly brokerageChargedTo: BrokerageChargedTo;
  readonly eveningFromHour: number;
  /** Its STANDARD rate stands in where it publishes none for a rate type. */
  readonly referenceFallback: boolean;
}

export class ReferenceService {
  private readonly categories: Repository<ServiceCategoryEntity>;
  private readonly fundingBodies: Repository<FundingBodyEntity>;

  constructor(db: DataSource) {
    this.categories = db.getRepository(ServiceCategoryEntity);
    this.fundingBodies = db.getRepository(FundingBodyEntity);
  }

  listCategories(): Promise<ServiceCategoryEntity[]> {
    return this.categories.find({ order: { sortOrder: "ASC" } });
  }

  listFundingBodies(): Promise<FundingBodyEntity[]> {
    return this.fundingBodies.find({ order: { name: "ASC" } });
  }

  /** `tx`: inside a transaction, read through it (a second pooled connection per transaction starves the pool). */
  findCategory(code: string, tx: EntityManager = this.categories.manager): Promise<ServiceCategoryRecord | null> {
    return tx.findOneBy(ServiceCategoryEntity, { code });
  }

  findFundingBody(code: string, tx: EntityManager = this.fundingBodies.manager): Promise<FundingBodyRecord | null> {
    return tx.findOneBy(FundingBodyEntity, { code });
  }

  /** A commissioner of the funding body (or an admin) sets its rules. */
  async updateSettings(viewer: Viewer, command: UpdateFundingBodySettingsCommand): Promise<Result<FundingBodyEntity>> {
    const body = await this.fundingBodies.findOneBy({ code: command.code });
    if (!body || !(viewer.roles.has(Role.ADMIN) || viewer.fundingBodyCode === body.code)) return notFound("The funding body", ["code"]);
    if (command.lifeImprovingApprovalThresholdPence !== undefined) body.lifeImprovingApprovalThresholdPence = command.lifeImprovingApprovalThresholdPence;
    if (command.brokerageMode != null) body.brokerageMode = command.brokerageMode;
    if (command.brokerageFeePence != null) body.brokerageFeePence = command.brokerageFeePence;
    if (command.brokerageChargedTo != null) body.brokerageChargedTo = command.brokerageChargedTo;
    if (command.eveningFromHour != null) body.eveningFromHour = command.eveningFromHour;
    if (command.referenceFallback != null) body.referenceFallback = command.referenceFallback;
    await this.fundingBodies.save(body);
    return ok(body);
  }

  /** The codes among `codes` that name no funding body. */
  async unknownFundingBodies(codes: string[], tx: EntityManager = this.fundingBodies.manager): Promise<string[]> {
    if (codes.length === 0) return [];
    const found = await tx.find(FundingBodyEntity, { select: { code: true }, where: { code: In(codes) } });
    const known = new Set(found.map((f) => f.code));
    return codes.filter((code) => !known.has(code));
  }
}
