import { In, type DataSource, type EntityManager, type Repository, type SelectQueryBuilder } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { insertRows, isViolation, PgCode, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { keysetPage, type Connection, type Keyset, type PageRequest } from "../../shared/pagination";
import type { Clock } from "../../shared/time";
import { PROVIDER_CONFLICT_MESSAGE, rolesBarredFromProviders, type UserService } from "../auth";
import type { ReferenceService } from "../reference";
import type { ProviderSearch, RegisterProviderCommand, SetProviderVerifiedCommand, UpdateProviderCommand } from "./provider.commands";
import { ProviderVerificationEntity } from "./provider-verification.entity";
import { ProviderEntity } from "./provider.entity";
import type { CqcRating, ProviderKind } from "./provider.enums";
import { checkProviderDetails, normalisePostcodeDistrict } from "./provider.rules";

/**
 * Asked before a provider loses its CQC registration: the number of its active listings in
 * regulated categories (those live in the listings module, which depends on this one).
 */
export type RegulatedListingCounter = (tx: EntityManager, providerId: string) => Promise<number>;

/** A provider, as other modules read it. */
export interface ProviderRecord {
  readonly id: string;
  readonly name: string;
  readonly kind: ProviderKind;
  readonly cqcLocationId: string | null;
  readonly cqcRating: CqcRating | null;
  readonly serviceAreas: string[];
  readonly postcodeDistricts: string[];
  readonly verified: boolean;
}

/** The directory's order: by name, then id. */
const BY_NAME: Keyset<ProviderEntity> = {
  name: "NAME",
  keys: [
    { sql: "p.name", of: (p) => p.name },
    { sql: "p.id", cast: "uuid", of: (p) => p.id },
  ],
  direction: "ASC",
};

export class ProviderService {
  private readonly providers: Repository<ProviderEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly users: UserService,
    private readonly countRegulatedListings: RegulatedListingCounter,
    private readonly clock: Clock,
  ) {
    this.providers = db.getRepository(ProviderEntity);
  }

  /** Providers are public; the viewer only matters for what they may edit. */
  canEdit(viewer: Viewer, providerId: string): boolean {
    return viewer.providerId === providerId || viewer.roles.has(Role.ADMIN);
  }

  /** A provider by id, read through `tx` (for other modules: a listing's provider, a care home). */
  byId(tx: EntityManager, id: string): Promise<ProviderRecord | null> {
    return tx.findOneBy(ProviderEntity, { id });
  }

  /** The ids among `ids` that name a provider. */
  async existingIds(tx: EntityManager, ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await tx.find(ProviderEntity, { select: { id: true }, where: { id: In(ids) } });
    return new Set(found.map((p) => p.id));
  }

  /**
   * Creates a provider, unverified, and makes the viewer its member; a newcomer's user is created in
   * the same transaction. Idempotent: a repeat by the member of a provider of the same name (a retry
   * after a lost answer, or a double submit racing the first) returns that provider.
   */
  async register(viewer: Viewer, command: RegisterProviderCommand): Promise<Result<ProviderEntity>> {
    if (rolesBarredFromProviders(viewer.roles).length > 0) return fail(UserErrorCode.NOT_PERMITTED, PROVIDER_CONFLICT_MESSAGE);
    if (viewer.providerId) return this.registered(viewer.providerId, command);
    const now = this.clock.now();
    const provider = this.providers.create({
      id: newId(),
      name: command.name.trim(),
      kind: command.kind,
      description: command.description.trim(),
      cqcLocationId: command.cqcLocationId?.trim() || null,
      cqcRating: command.cqcRating,
      serviceAreas: [...new Set(command.serviceAreaCodes)],
      postcodeDistricts: [...new Set(command.postcodeDistricts.map(normalisePostcodeDistrict))],
      verified: false,
      createdAt: now,
      updatedAt: now,
    });
    const errors = await this.check(provider);
    if (errors.length > 0) return failAll(errors);

    try {
      return await this.saving(() =>
        transactionResult(this.db, async (tx) => {
          if (viewer.newcomer) {
            // A repeat that raced the first: their user exists now.
            const existing = await this.users.bySubject(tx, viewer.newcomer.subject);
            if (existing) return this.registered(existing.providerId, command);
            const user = await this.users.createNewcomer(tx, viewer);
            if (!user.ok) {
              const raced = await this.users.bySubject(tx, viewer.newcomer.subject);
              return raced ? this.registered(raced.providerId, command) : user;
            }
          }
          await insertRows(tx, ProviderEntity, [provider]);
          if (!(await this.users.joinProvider(tx, viewer.userId, provider.id))) return this.registered(null, command);
          return ok(provider);
        }),
      );
    } catch (error) {
      // A double submit by a newcomer: the other request created their user first.
      if (viewer.newcomer && isViolation(error, PgCode.UNIQUE_VIOLATION)) {
        const user = await this.users.bySubject(this.db.manager, viewer.newcomer.subject);
        if (user) return this.registered(user.providerId, command);
      }
      throw error;
    }
  }

  /** The answer to registering again: the provider of the same name, or ALREADY_PROVIDER_MEMBER. */
  private async registered(providerId: string | null, command: RegisterProviderCommand): Promise<Result<ProviderEntity>> {
    const existing = providerId ? await this.providers.findOneBy({ id: providerId }) : null;
    if (existing && existing.name.toLowerCase() === command.name.trim().toLowerCase()) return ok(existing);
    return fail(UserErrorCode.ALREADY_PROVIDER_MEMBER, "You already belong to a provider; ask an administrator to register another.");
  }

  async update(viewer: Viewer, command: UpdateProviderCommand): Promise<Result<ProviderEntity>> {
    const id = command.providerId;
    if (!id || !this.canEdit(viewer, id)) return notFound("The provider", ["providerId"]);

    return this.saving(() =>
      transactionResult(this.db, async (tx) => {
        const current = await tx.findOne(ProviderEntity, { where: { id }, lock: { mode: "pessimistic_write" } });
        if (!current) return notFound("The provider", ["providerId"]);
        const next = tx.create(ProviderEntity, { ...current, ...changesIn(command), updatedAt: this.clock.now() });
        const errors = await this.check(next, tx);
        if (current.cqcLocationId && !next.cqcLocationId && (await this.countRegulatedListings(tx, id)) > 0) {
          errors.push({
            code: UserErrorCode.CQC_REGISTRATION_REQUIRED,
            message: "This provider has active listings of CQC-regulated services: deactivate them before removing the CQC location.",
            field: ["cqcLocationId"],
          });
        }
        if (errors.length > 0) return failAll(errors);
        await tx.save(ProviderEntity, next);
        return ok(next);
      }),
    );
  }

  /**
   * Marks a provider verified (recorded as a verification with no checks stated) or withdraws its
   * verification (its listings leave others' searches). Superseded by verifyProvider for the former.
   */
  async setVerified(viewer: Viewer, command: SetProviderVerifiedCommand): Promise<Result<ProviderEntity>> {
    const id = command.providerId;
    if (!id) return notFound("The provider", ["providerId"]);
    return transactionResult(this.db, async (tx) => {
      const provider = await tx.findOne(ProviderEntity, { where: { id }, lock: { mode: "pessimistic_write" } });
      if (!provider) return notFound("The provider", ["providerId"]);
      const now = this.clock.now();
      if (command.verified && !provider.verified) {
        await insertRows(tx, ProviderVerificationEntity, [
          { id: newId(), providerId: id, verifiedAt: now, verifiedByUserId: viewer.userId, checks: [], note: "Marked verified with setProviderVerified." },
        ]);
      }
      provider.verified = command.verified;
      provider.updatedAt = now;
      await tx.update(ProviderEntity, { id }, { verified: command.verified, updatedAt: now });
      return ok(provider);
    });
  }

  /** Locks the provider row for the rest of `tx` against changes to its registration. */
  lockForListing(tx: EntityManager, id: string): Promise<ProviderEntity | null> {
    return tx.findOne(ProviderEntity, { where: { id }, lock: { mode: "pessimistic_read" } });
  }

  search(filter: ProviderSearch | null | undefined, page: PageRequest): Promise<Connection<ProviderEntity>> {
    return keysetPage(this.filtered(filter ?? {}), BY_NAME, page);
  }

  private filtered(filter: ProviderSearch): SelectQueryBuilder<ProviderEntity> {
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
        field: ["serviceAreaCodes", provider.serviceAreas.indexOf(code)],
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
        return fail(UserErrorCode.ALREADY_EXISTS, "Another provider has registered this CQC location ID.", ["cqcLocationId"]);
      }
      throw error;
    }
  }
}

function changesIn(input: UpdateProviderCommand): Partial<ProviderEntity> {
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
