import type { DataSource, EntityManager, Repository, SelectQueryBuilder } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { insertRows, isViolation, PgCode, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { newId, uuidOf } from "../../shared/ids";
import { Connection, decodeCursor, encodeCursor, type PageArgs } from "../../shared/pagination";
import type { UserService } from "../auth";
import type { ReferenceService } from "../reference";
import { ProviderEntity } from "./provider.entity";
import type { ProviderFilter, RegisterProviderInput, SetProviderVerifiedInput, UpdateProviderInput } from "./provider.inputs";
import { checkProviderDetails, normalisePostcodeDistrict } from "./provider.rules";

/**
 * Asked before a provider loses its CQC registration: the number of its active listings in
 * regulated categories (those live in the listings module, which depends on this one).
 */
export type RegulatedListingCounter = (tx: EntityManager, providerId: string) => Promise<number>;

export class ProviderService {
  private readonly providers: Repository<ProviderEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly users: UserService,
    private readonly countRegulatedListings: RegulatedListingCounter,
  ) {
    this.providers = db.getRepository(ProviderEntity);
  }

  /** Providers are public; the viewer only matters for what they may edit. */
  canEdit(viewer: Viewer, providerId: string): boolean {
    return viewer.providerId === providerId || viewer.roles.has(Role.ADMIN);
  }

  async register(viewer: Viewer, input: RegisterProviderInput): Promise<Result<ProviderEntity>> {
    if (viewer.providerId) {
      return fail(UserErrorCode.ALREADY_PROVIDER_MEMBER, "You already belong to a provider; ask an administrator to register another.");
    }
    const provider = this.providers.create({
      id: newId(),
      name: input.name.trim(),
      kind: input.kind,
      description: input.description.trim(),
      cqcLocationId: input.cqcLocationId?.trim() || null,
      cqcRating: input.cqcRating ?? null,
      serviceAreas: [...new Set(input.serviceAreaCodes)],
      postcodeDistricts: [...new Set(input.postcodeDistricts.map(normalisePostcodeDistrict))],
      verified: false,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    const errors = await this.check(provider);
    if (errors.length > 0) return failAll(errors);

    return this.saving(() =>
      transactionResult(this.db, async (tx) => {
        await insertRows(tx, ProviderEntity, [provider]);
        if (!(await this.users.joinProvider(tx, viewer.userId, provider.id))) {
          return fail(UserErrorCode.ALREADY_PROVIDER_MEMBER, "You already belong to a provider; ask an administrator to register another.");
        }
        return ok(provider);
      }),
    );
  }

  async update(viewer: Viewer, input: UpdateProviderInput): Promise<Result<ProviderEntity>> {
    const id = uuidOf(input.providerId, "Provider");
    if (!id || !this.canEdit(viewer, id)) return notFound("The provider", ["input", "providerId"]);

    return this.saving(() =>
      transactionResult(this.db, async (tx) => {
        const current = await tx.findOne(ProviderEntity, { where: { id }, lock: { mode: "pessimistic_write" } });
        if (!current) return notFound("The provider", ["input", "providerId"]);
        const next = tx.create(ProviderEntity, { ...current, ...changesIn(input), updatedAt: new Date() });
        const errors = await this.check(next, tx);
        if (current.cqcLocationId && !next.cqcLocationId && (await this.countRegulatedListings(tx, id)) > 0) {
          errors.push({
            code: UserErrorCode.CQC_REGISTRATION_REQUIRED,
            message: "This provider has active listings of CQC-regulated services: deactivate them before removing the CQC location.",
            field: ["input", "cqcLocationId"],
          });
        }
        if (errors.length > 0) return failAll(errors);
        await tx.save(ProviderEntity, next);
        return ok(next);
      }),
    );
  }

  async setVerified(input: SetProviderVerifiedInput): Promise<Result<ProviderEntity>> {
    const id = uuidOf(input.providerId, "Provider");
    const provider = id ? await this.providers.findOneBy({ id }) : null;
    if (!provider) return notFound("The provider", ["input", "providerId"]);
    provider.verified = input.verified;
    provider.updatedAt = new Date();
    await this.providers.save(provider);
    return ok(provider);
  }

  /** Locks the provider row for the rest of `tx` against changes to its registration. */
  lockForListing(tx: EntityManager, id: string): Promise<ProviderEntity | null> {
    return tx.findOne(ProviderEntity, { where: { id }, lock: { mode: "pessimistic_read" } });
  }

  async search(filter: ProviderFilter | null | undefined, { first, after }: PageArgs): Promise<Connection<ProviderEntity>> {
    const query = this.filtered(filter ?? {});
    const page = query.clone().orderBy("p.name", "ASC").addOrderBy("p.id", "ASC").limit(first + 1);
    if (after) {
      const [name, id] = decodeCursor(after, "NAME", 2);
      page.andWhere("(p.name, p.id) > (:afterName, :afterId::uuid)", { afterName: name, afterId: id });
    }
    return new Connection(await page.getMany(), first, (p) => encodeCursor("NAME", [p.name, p.id]), () => query.getCount());
  }

  private filtered(filter: ProviderFilter): SelectQueryBuilder<ProviderEntity> {
    const query = this.providers.createQueryBuilder("p");
    if (filter.kinds?.length) query.andWhere("p.kind IN (:...kinds)", { kinds: filter.kinds });
    if (filter.fundingBodyCode) query.andWhere("p.service_areas @> ARRAY[:area]::varchar[]", { area: filter.fundingBodyCode });
    if (filter.postcodeDistrict) {
      query.andWhere("p.postcode_districts @> ARRAY[:district]::varchar[]", { district: normalisePostcodeDistrict(filter.postcodeDistrict) });
    }
    if (filter.minCqcRating) query.andWhere("p.cqc_rating >= :rating", { rating: filter.minCqcRating });
    if (filter.verified != null) query.andWhere("p.verified = :verified", { verified: filter.verified });
    if (filter.text?.trim()) {
      query.andWhere("to_tsvector('simple', p.name) @@ websearch_to_tsquery('simple', :text)", { text: filter.text.trim() });
    }
    return query;
  }

  private async check(provider: ProviderEntity, tx?: EntityManager): Promise<UserErrorData[]> {
    const errors = checkProviderDetails(provider);
    const unknown = await this.reference.unknownFundingBodies(provider.serviceAreas, tx);
    for (const code of unknown) {
      errors.push({
        code: UserErrorCode.NOT_FOUND,
        message: `No funding body has code ${code}; see the fundingBodies query.`,
        field: ["input", "serviceAreaCodes", provider.serviceAreas.indexOf(code)],
      });
    }
    return errors;
  }

  /** A CQC location belongs to one provider. */
  private async saving(work: () => Promise<Result<ProviderEntity>>): Promise<Result<ProviderEntity>> {
    try {
      return await work();
    } catch (error) {
      if (isViolation(error, PgCode.UNIQUE_VIOLATION, "uq_providers_cqc_location_id")) {
        return fail(UserErrorCode.ALREADY_EXISTS, "Another provider has registered this CQC location ID.", ["input", "cqcLocationId"]);
      }
      throw error;
    }
  }
}

function changesIn(input: UpdateProviderInput): Partial<ProviderEntity> {
  const changes: Partial<ProviderEntity> = {};
  if (input.name != null) changes.name = input.name.trim();
  if (input.kind != null) changes.kind = input.kind;
  if (input.description != null) changes.description = input.description.trim();
  if (input.cqcLocationId !== undefined) changes.cqcLocationId = input.cqcLocationId?.trim() || null;
  if (input.cqcRating !== undefined) changes.cqcRating = input.cqcRating;
  else if (changes.cqcLocationId === null) changes.cqcRating = null; // the rating went with the location
  if (input.serviceAreaCodes != null) changes.serviceAreas = [...new Set(input.serviceAreaCodes)];
  if (input.postcodeDistricts != null) changes.postcodeDistricts = [...new Set(input.postcodeDistricts.map(normalisePostcodeDistrict))];
  return changes;
}
