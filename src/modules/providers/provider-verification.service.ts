import type { DataSource, EntityManager } from "typeorm";
import { Role, type Viewer } from "../../shared/auth";
import { insertRows, transactionResult } from "../../shared/db";
import { fail, failAll, notFound, ok, UserErrorCode, type Result, type UserErrorData } from "../../shared/errors";
import { newId } from "../../shared/ids";
import type { Clock } from "../../shared/time";
import type { CqcRegisterService } from "./cqc-register.service";
import { ProviderVerificationEntity } from "./provider-verification.entity";
import { ProviderEntity } from "./provider.entity";
import { VerificationCheck } from "./provider.enums";
import { mayVerify } from "./provider.rules";

export interface VerifyProviderCommand {
  /** null: an id that names no provider (NOT_FOUND). */
  providerId: string | null;
  checks: VerificationCheck[];
  note: string;
}

/** Who verified providers, having checked what: the gate that shows a provider's listings to others. */
export class ProviderVerificationService {
  constructor(
    private readonly db: DataSource,
    private readonly register: CqcRegisterService,
    private readonly clock: Clock,
  ) {}

  /**
   * Records a verification and marks the provider verified, in one transaction. Admins verify every
   * provider; a commissioner, those serving their funding body's area. A repeat of the latest
   * verification (same person, checks and note) records nothing new.
   */
  async verify(viewer: Viewer, command: VerifyProviderCommand): Promise<Result<ProviderEntity>> {
    const id = command.providerId;
    if (!id) return notFound("The provider", ["providerId"]);
    const checks = [...new Set(command.checks)].sort();
    const note = command.note.trim();
    return transactionResult(this.db, async (tx) => {
      const provider = await tx.findOne(ProviderEntity, { where: { id }, lock: { mode: "pessimistic_write" } });
      if (!provider) return notFound("The provider", ["providerId"]);
      if (!mayVerify(viewer, provider)) {
        return fail(UserErrorCode.NOT_PERMITTED, "Only an administrator, or a commissioner of a funding body this provider serves, verifies it.", [
          "providerId",
        ]);
      }
      const errors = await this.checkErrors(tx, provider, checks);
      if (errors.length) return failAll(errors);
      const latest = await this.latest(tx, id);
      const repeat = latest && latest.verifiedByUserId === viewer.userId && latest.note === note && latest.checks.join() === checks.join();
      if (repeat && provider.verified) return ok(provider);
      const now = this.clock.now();
      await insertRows(tx, ProviderVerificationEntity, [{ id: newId(), providerId: id, verifiedAt: now, verifiedByUserId: viewer.userId, checks, note }]);
      provider.verified = true;
      provider.updatedAt = now;
      await tx.update(ProviderEntity, { id }, { verified: true, updatedAt: now });
      return ok(provider);
    });
  }

  /** The latest verification of a provider. */
  latest(tx: EntityManager, providerId: string): Promise<ProviderVerificationEntity | null> {
    return tx.findOne(ProviderVerificationEntity, { where: { providerId }, order: { verifiedAt: "DESC", id: "DESC" } });
  }

  private async checkErrors(tx: EntityManager, provider: ProviderEntity, checks: VerificationCheck[]): Promise<UserErrorData[]> {
    const errors: UserErrorData[] = [];
    if (!checks.length)
      errors.push({ code: UserErrorCode.INVALID_VALUE, message: "Say which checks were made (CQC_REGISTER, DBS, INSURANCE, IDENTITY).", field: ["checks"] });
    if (checks.includes(VerificationCheck.CQC_REGISTER) && !(await this.register.isActive(tx, provider.cqcLocationId))) {
      errors.push({
        code: UserErrorCode.CQC_REGISTRATION_REQUIRED,
        message: provider.cqcLocationId
          ? `CQC location ${provider.cqcLocationId} is not active in the CQC register imported: check the ID, or import the current register (importCqcRegister).`
          : "The provider has no CQC location ID to check against the register.",
        field: ["checks", checks.indexOf(VerificationCheck.CQC_REGISTER)],
      });
    }
    return errors;
  }
}

/** May `viewer` read who verified a provider and their note? Admins, commissioners it serves, and its own members. */
export function seesVerificationDetails(viewer: Viewer | null, provider: { id: string; serviceAreas: string[] }): boolean {
  return viewer !== null && (viewer.providerId === provider.id || mayVerify(viewer, provider) || viewer.roles.has(Role.ADMIN));
}
