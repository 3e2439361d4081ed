import type { Role } from "../../shared/auth";

export interface CreateUserCommand {
  email: string;
  displayName: string;
  roles: Role[];
  /** The identity provider's subject; the email when null. */
  subject: string | null;
  /** Required with PROVIDER. undefined: none; null: an id that names no provider (NOT_FOUND). */
  providerId?: string | null;
  /** Required with CLIENT. undefined: none; null: an id that names no client (NOT_FOUND). */
  clientId?: string | null;
  /** Required with COMMISSIONER; a commissioner's own funding body by default. */
  fundingBodyCode: string | null;
}
