import type { DataSource, EntityManager, Repository } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { insertRows, isViolation, PgCode } from "../../shared/db";
import { fail, failAll, ok, UserErrorCode, unauthenticated, type Result } from "../../shared/errors";
import { newId, uuidOf } from "../../shared/ids";
import type { ReferenceService } from "../reference";
import type { TokenService } from "./token.service";
import { UserEntity } from "./user.entity";
import type { CreateUserInput } from "./user.inputs";
import { checkUserRequest, normaliseEmail } from "./user.rules";

/** The funding body of a client, or null if there is no such client (clients live in a higher module). */
export type ClientFundingBodyLookup = (clientId: string) => Promise<string | null>;

export class UserService {
  private readonly users: Repository<UserEntity>;

  constructor(
    db: DataSource,
    private readonly tokens: TokenService,
    private readonly reference: ReferenceService,
    private readonly clientFundingBody: ClientFundingBodyLookup,
  ) {
    this.users = db.getRepository(UserEntity);
  }

  /** The viewer a bearer token stands for; UNAUTHENTICATED when invalid or the subject is unknown. */
  async viewerForToken(token: string): Promise<Viewer> {
    const subject = await this.tokens.subjectOf(token);
    const user = await this.users.findOneBy({ subject });
    if (!user) throw unauthenticated("The bearer token names no user of this marketplace.");
    return viewerOf(user);
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOneBy({ email: normaliseEmail(email) });
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

  async create(viewer: Viewer, input: CreateUserInput): Promise<Result<UserEntity>> {
    const providerId = input.providerId ? uuidOf(input.providerId, "Provider") : null;
    if (input.providerId && !providerId) return fail(UserErrorCode.NOT_FOUND, "No provider has this ID.", ["input", "providerId"]);
    const clientId = input.clientId ? uuidOf(input.clientId, "Client") : null;
    const clientFundingBodyCode = clientId ? await this.clientFundingBody(clientId) : null;
    if (input.clientId && !clientFundingBodyCode) return fail(UserErrorCode.NOT_FOUND, "No client has this ID.", ["input", "clientId"]);
    const { request, errors } = checkUserRequest(viewer, {
      roles: input.roles,
      providerId,
      fundingBodyCode: input.fundingBodyCode ?? null,
      clientId,
      clientFundingBodyCode,
    });
    // Any code given is checked, the empty one too: it is no funding body (and no foreign key).
    if (request.fundingBodyCode !== null && (await this.reference.unknownFundingBodies([request.fundingBodyCode])).length > 0) {
      errors.push({ code: UserErrorCode.NOT_FOUND, message: `No funding body has code "${request.fundingBodyCode}".`, field: ["input", "fundingBodyCode"] });
    }
    if (errors.length > 0) return failAll(errors);

    const email = normaliseEmail(input.email);
    const user = this.users.create({
      id: newId(),
      email,
      displayName: input.displayName.trim(),
      subject: input.subject?.trim() || email,
      ...request,
      createdAt: new Date(),
    });
    try {
      await insertRows(this.users.manager, UserEntity, [user]);
    } catch (error) {
      if (isViolation(error, PgCode.UNIQUE_VIOLATION, "uq_users_email")) {
        return fail(UserErrorCode.ALREADY_EXISTS, `A user with email ${email} already exists.`, ["input", "email"]);
      }
      if (isViolation(error, PgCode.UNIQUE_VIOLATION, "uq_users_subject")) {
        return fail(UserErrorCode.ALREADY_EXISTS, "Another user already has this subject.", ["input", "subject"]);
      }
      if (isViolation(error, PgCode.FOREIGN_KEY_VIOLATION, "fk_users_provider_id")) {
        return fail(UserErrorCode.NOT_FOUND, "No provider has this ID.", ["input", "providerId"]);
      }
      throw error;
    }
    return ok(user);
  }
}

export function viewerOf(user: UserEntity): Viewer {
  return {
    userId: user.id,
    roles: new Set(user.roles),
    providerId: user.providerId,
    fundingBodyCode: user.fundingBodyCode,
    clientId: user.clientId,
  };
}
