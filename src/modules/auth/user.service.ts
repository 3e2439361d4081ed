import type { DataSource, EntityManager, Repository } from "typeorm";
import { Role, type Newcomer, type Viewer } from "../../shared/auth";
import { insertRows, isViolation, PgCode } from "../../shared/db";
import { fail, failAll, ok, UserErrorCode, unauthenticated, type Result } from "../../shared/errors";
import { nameBasedId, newId } from "../../shared/ids";
import type { Clock } from "../../shared/time";
import type { ReferenceService } from "../reference";
import type { TokenService } from "./token.service";
import type { CreateUserCommand } from "./user.commands";
import { UserEntity } from "./user.entity";
import { checkUserRequest, normaliseEmail } from "./user.rules";

/** The funding body of a client, or null if there is no such client (clients live in a higher module). */
export type ClientFundingBodyLookup = (clientId: string) => Promise<string | null>;

/** A user, as other modules read them. */
export interface UserRecord {
  readonly id: string;
  readonly email: string;
  readonly displayName: string;
  readonly roles: Role[];
  readonly providerId: string | null;
  readonly fundingBodyCode: string | null;
  readonly clientId: string | null;
}

export class UserService {
  private readonly users: Repository<UserEntity>;

  constructor(
    db: DataSource,
    private readonly tokens: TokenService,
    private readonly reference: ReferenceService,
    private readonly clientFundingBody: ClientFundingBodyLookup,
    private readonly clock: Clock,
  ) {
    this.users = db.getRepository(UserEntity);
  }

  /**
   * The viewer a bearer token stands for; UNAUTHENTICATED when invalid. A subject no user has is a
   * newcomer (no roles) when the token carries an email address: the identity provider owns sign-up.
   */
  async viewerForToken(token: string): Promise<Viewer> {
    const claims = await this.tokens.claimsOf(token);
    const user = await this.users.findOneBy({ subject: claims.subject });
    if (user) return viewerOf(user);
    if (!claims.email) throw unauthenticated("The bearer token names no user of this marketplace, and carries no verified email to join with.");
    const email = normaliseEmail(claims.email);
    return newcomerViewer({ subject: claims.subject, email, displayName: claims.name ?? email.split("@")[0] });
  }

  /** A newcomer as the `viewer` query shows them: the user they would be, with no roles. */
  newcomerUser(viewer: Viewer): UserEntity | null {
    if (!viewer.newcomer) return null;
    const { subject, email, displayName } = viewer.newcomer;
    return this.users.create({
      id: viewer.userId,
      email,
      displayName,
      subject,
      roles: [],
      providerId: null,
      fundingBodyCode: null,
      clientId: null,
      createdAt: this.clock.now(),
    });
  }

  /**
   * Creates a newcomer's user (no roles yet), in `tx`. ALREADY_EXISTS when another user has their
   * email; a concurrent registration of the same subject raises the unique violation to the caller.
   */
  async createNewcomer(tx: EntityManager, viewer: Viewer): Promise<Result<UserEntity>> {
    const user = this.newcomerUser(viewer);
    if (!user) return fail(UserErrorCode.ALREADY_EXISTS, "You are already a user of this marketplace.");
    const taken = await tx.findOneBy(UserEntity, { email: user.email });
    if (taken) return fail(UserErrorCode.ALREADY_EXISTS, `A user with email ${user.email} already exists: sign in as them, or ask an administrator.`);
    await insertRows(tx, UserEntity, [user]);
    return ok(user);
  }

  /** The user whose tokens carry `subject`. */
  bySubject(tx: EntityManager, subject: string): Promise<UserRecord | null> {
    return tx.findOneBy(UserEntity, { subject });
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: normaliseEmail(email) });
  }

  /** A user by id, read through `tx` (for other modules: e.g. checking a broker's roles). */
  byId(tx: EntityManager, id: string): Promise<UserRecord | null> {
    return tx.findOneBy(UserEntity, { id });
  }

  /** A user is visible to themselves and to administrators. */
  async findVisible(viewer: Viewer | null, id: string): Promise<UserEntity | null> {
    if (!viewer || (viewer.userId !== id && !viewer.roles.has(Role.ADMIN))) return null;
    return this.users.findOneBy({ id });
  }

  /** Makes the user a member of a provider, once: false when they already belong to one. */
  async joinProvider(tx: EntityManager, userId: string, providerId: string): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .update(UserEntity)
      .set({ providerId, roles: () => "CASE WHEN 'PROVIDER' = ANY(roles) THEN roles ELSE array_append(roles, 'PROVIDER') END" })
      .where("id = :userId AND provider_id IS NULL", { userId })
      .execute();
    return result.affected === 1;
  }

  async create(viewer: Viewer, command: CreateUserCommand): Promise<Result<UserEntity>> {
    if (command.providerId === null) return fail(UserErrorCode.NOT_FOUND, "No provider has this ID.", ["providerId"]);
    const clientId = command.clientId ?? null;
    const clientFundingBodyCode = clientId ? await this.clientFundingBody(clientId) : null;
    if (command.clientId !== undefined && !clientFundingBodyCode) return fail(UserErrorCode.NOT_FOUND, "No client has this ID.", ["clientId"]);
    const { request, errors } = checkUserRequest(viewer, {
      roles: command.roles,
      providerId: command.providerId ?? null,
      fundingBodyCode: command.fundingBodyCode,
      clientId,
      clientFundingBodyCode,
    });
    // Any code given is checked, the empty one too: it is no funding body (and no foreign key).
    if (request.fundingBodyCode !== null && (await this.reference.unknownFundingBodies([request.fundingBodyCode])).length > 0) {
      errors.push({ code: UserErrorCode.NOT_FOUND, message: `No funding body has code "${request.fundingBodyCode}".`, field: ["fundingBodyCode"] });
    }
    if (errors.length > 0) return failAll(errors);

    const email = normaliseEmail(command.email);
    const user = this.users.create({
      id: newId(),
      email,
      displayName: command.displayName.trim(),
      subject: command.subject?.trim() || email,
      ...request,
      createdAt: this.clock.now(),
    });
    try {
      await insertRows(this.users.manager, UserEntity, [user]);
    } catch (error) {
      if (isViolation(error, PgCode.UNIQUE_VIOLATION, "uq_users_email")) {
        return fail(UserErrorCode.ALREADY_EXISTS, `A user with email ${email} already exists.`, ["email"]);
      }
      if (isViolation(error, PgCode.UNIQUE_VIOLATION, "uq_users_subject")) {
        return fail(UserErrorCode.ALREADY_EXISTS, "Another user already has this subject.", ["subject"]);
      }
      if (isViolation(error, PgCode.FOREIGN_KEY_VIOLATION, "fk_users_provider_id")) {
        return fail(UserErrorCode.NOT_FOUND, "No provider has this ID.", ["providerId"]);
      }
      throw error;
    }
    return ok(user);
  }
}

export function viewerOf(user: UserRecord): Viewer {
  return {
    userId: user.id,
    roles: new Set(user.roles),
    providerId: user.providerId,
    fundingBodyCode: user.fundingBodyCode,
    clientId: user.clientId,
  };
}

/** A newcomer's viewer: their future user id, derived from the subject, so a retry finds the same. */
export function newcomerViewer(newcomer: Newcomer): Viewer {
  return {
    userId: nameBasedId("user", newcomer.subject),
    roles: new Set(),
    providerId: null,
    fundingBodyCode: null,
    clientId: null,
    newcomer,
  };
}
