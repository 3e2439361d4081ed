import type { DataSource, EntityManager, Repository } from "typeorm";
import { In } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { notFound, ok, type Result } from "../../shared/errors";
import { ServiceCategoryEntity } from "./category.entity";
import { FundingBodyEntity } from "./funding-body.entity";
import type { UpdateFundingBodySettingsInput } from "./reference.inputs";

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
  findCategory(code: string, tx: EntityManager = this.categories.manager): Promise<ServiceCategoryEntity | null> {
    return tx.findOneBy(ServiceCategoryEntity, { code });
  }

  findFundingBody(code: string, tx: EntityManager = this.fundingBodies.manager): Promise<FundingBodyEntity | null> {
    return tx.findOneBy(FundingBodyEntity, { code });
  }

  /** A commissioner of the funding body (or an admin) sets its rules. */
  async updateSettings(viewer: Viewer, input: UpdateFundingBodySettingsInput): Promise<Result<FundingBodyEntity>> {
    const body = await this.fundingBodies.findOneBy({ code: input.code });
    if (!body || !(viewer.roles.has(Role.ADMIN) || viewer.fundingBodyCode === body.code)) return notFound("The funding body", ["input", "code"]);
    if (input.lifeImprovingApprovalThresholdPence !== undefined) body.lifeImprovingApprovalThresholdPence = input.lifeImprovingApprovalThresholdPence;
    if (input.brokerageMode != null) body.brokerageMode = input.brokerageMode;
    if (input.brokerageFeePence != null) body.brokerageFeePence = input.brokerageFeePence;
    if (input.brokerageChargedTo != null) body.brokerageChargedTo = input.brokerageChargedTo;
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
