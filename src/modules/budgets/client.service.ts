import type { DataSource, Repository, SelectQueryBuilder } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { insertRows } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { newId } from "../../shared/ids";
import { keysetPage, type Connection, type Keyset, type PageRequest } from "../../shared/pagination";
import { londonDate, type Clock } from "../../shared/time";
import type { UserService } from "../auth";
import { isPostcodeDistrict, normalisePostcodeDistrict, ProviderKind, type ProviderService } from "../providers";
import type { ReferenceService } from "../reference";
import { ClientSetting } from "./budget.enums";
import type { AssignBrokerCommand, CreateClientCommand } from "./budget.commands";
import { ClientEntity } from "./client.entity";
import { canActFor, canManage, restrictToActFor } from "./client.rules";

/** The clients list's order: by name, then id. */
const BY_NAME: Keyset<ClientEntity> = {
  name: "NAME",
  keys: [
    { sql: "c.display_name", of: (c) => c.displayName },
    { sql: "c.id", cast: "uuid", of: (c) => c.id },
  ],
  direction: "ASC",
};

export class ClientService {
  private readonly clients: Repository<ClientEntity>;

  constructor(
    private readonly db: DataSource,
    private readonly reference: ReferenceService,
    private readonly users: UserService,
    private readonly providers: ProviderService,
    private readonly clock: Clock,
  ) {
    this.clients = db.getRepository(ClientEntity);
  }

  /** A client the viewer may see and act for; null otherwise (providers see clients through bookings only). */
  async findVisible(viewer: Viewer | null, id: string | null): Promise<ClientEntity | null> {
    const client = viewer && id ? await this.clients.findOneBy({ id }) : null;
    return viewer && client && canActFor(viewer, client) ? client : null;
  }

  fundingBodyOf(id: string): Promise<string | null> {
    return this.clients.findOne({ select: { fundingBodyCode: true }, where: { id } }).then((c) => c?.fundingBodyCode ?? null);
  }

  async create(viewer: Viewer, command: CreateClientCommand): Promise<Result<ClientEntity>> {
    const fundingBodyCode = command.fundingBodyCode ?? viewer.fundingBodyCode;
    if (!fundingBodyCode || !canManage(viewer, { fundingBodyCode })) {
      return fail(UserErrorCode.NOT_PERMITTED, "You can create clients of your own funding body only.", ["fundingBodyCode"]);
    }
    const client = this.clients.create({
      id: newId(),
      displayName: command.displayName.trim(),
      postcodeDistrict: normalisePostcodeDistrict(command.postcodeDistrict),
      fundingBodyCode,
      setting: command.setting,
      careHomeId: command.careHomeId ?? null,
      dateOfBirth: command.dateOfBirth,
      newToSupport: command.newToSupport,
      brokerUserId: null,
      createdAt: this.clock.now(),
    });
    const errors = await this.check(client, command.careHomeId !== undefined);
    if (errors.length > 0) return failAll(errors);
    await insertRows(this.db.manager, ClientEntity, [client]);
    return ok(client);
  }

  async assignBroker(viewer: Viewer, command: AssignBrokerCommand): Promise<Result<ClientEntity>> {
    const client = command.clientId ? await this.clients.findOneBy({ id: command.clientId }) : null;
    if (!client || !canManage(viewer, client)) return notFound("The client", ["clientId"]);
    const brokerUserId = command.broker?.userId ?? null;
    if (command.broker) {
      const broker = brokerUserId ? await this.users.byId(this.db.manager, brokerUserId) : null;
      if (!broker || !broker.roles.includes(Role.BROKER)) return fail(UserErrorCode.NOT_FOUND, "No broker has this user ID.", ["brokerUserId"]);
      if (broker.fundingBodyCode && broker.fundingBodyCode !== client.fundingBodyCode) {
        return fail(UserErrorCode.NOT_PERMITTED, "This broker works for another funding body.", ["brokerUserId"]);
      }
    }
    client.brokerUserId = brokerUserId;
    await this.clients.update({ id: client.id }, { brokerUserId });
    return ok(client);
  }

  /** The clients the viewer acts for, by name. */
  list(viewer: Viewer, page: PageRequest): Promise<Connection<ClientEntity>> {
    return keysetPage(this.scoped(viewer), BY_NAME, page);
  }

  private scoped(viewer: Viewer): SelectQueryBuilder<ClientEntity> {
    return restrictToActFor(this.clients.createQueryBuilder("c"), viewer, {
      clientId: "c.id",
      fundingBodyCode: "c.funding_body_code",
      brokerUserId: "c.broker_user_id",
    });
  }

  private async check(client: ClientEntity, careHomeNamed: boolean): Promise<UserErrorData[]> {
    const errors: UserErrorData[] = [];
    const invalid = (field: string, message: string, code = UserErrorCode.INVALID_VALUE) => errors.push({ code, message, field: [field] });
    if (!isPostcodeDistrict(client.postcodeDistrict)) invalid("postcodeDistrict", "Give the first half of the client's postcode, like SW19.");
    if (client.dateOfBirth > londonDate(this.clock.now())) invalid("dateOfBirth", "The date of birth is in the future.");
    if ((await this.reference.unknownFundingBodies([client.fundingBodyCode])).length > 0) {
      invalid("fundingBodyCode", `No funding body has code ${client.fundingBodyCode}.`, UserErrorCode.NOT_FOUND);
    }
    if (client.setting === ClientSetting.CARE_HOME) {
      const home = client.careHomeId ? await this.providers.byId(this.db.manager, client.careHomeId) : null;
      if (!home || home.kind !== ProviderKind.CARE_HOME)
        invalid("careHomeId", "Name the care home the client lives in: a provider of kind CARE_HOME.", UserErrorCode.NOT_FOUND);
    } else if (careHomeNamed) {
      invalid("careHomeId", "Only a client whose setting is CARE_HOME lives in a care home.");
    }
    return errors;
  }
}
