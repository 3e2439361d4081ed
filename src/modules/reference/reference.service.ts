import type { DataSource, Repository } from "typeorm";
import { In } from "typeorm";
import { ServiceCategoryEntity } from "./category.entity";
import { FundingBodyEntity } from "./funding-body.entity";

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

  findCategory(code: string): Promise<ServiceCategoryEntity | null> {
    return this.categories.findOneBy({ code });
  }

  findFundingBody(code: string): Promise<FundingBodyEntity | null> {
    return this.fundingBodies.findOneBy({ code });
  }

  /** The codes among `codes` that name no funding body. */
  async unknownFundingBodies(codes: string[]): Promise<string[]> {
    if (codes.length === 0) return [];
    const found = await this.fundingBodies.find({ select: { code: true }, where: { code: In(codes) } });
    const known = new Set(found.map((f) => f.code));
    return codes.filter((code) => !known.has(code));
  }
}
