/**
 * Who is asking, and the one authChecker. Every resolver class carries a class-level @Authorized:
 * signed-in roles, or the PUBLIC sentinel for the open catalogue. Ownership (a provider edits only
 * its own listings) is checked in services, where the objects are.
 */
import type { AuthChecker } from "type-graphql";
import { registerEnumType } from "type-graphql";
import { forbidden, unauthenticated } from "./errors";

export enum Role {
  CLIENT = "CLIENT",
  PROVIDER = "PROVIDER",
  BROKER = "BROKER",
  COMMISSIONER = "COMMISSIONER",
  ADMIN = "ADMIN",
}
registerEnumType(Role, {
  name: "Role",
  valuesConfig: {
    CLIENT: { description: "A budget holder, or a person acting for them." },
    PROVIDER: { description: "A member of a provider: lists services, answers quotes, delivers bookings." },
    BROKER: { description: "Arranges support for the clients assigned to them." },
    COMMISSIONER: { description: "Staff of a funding body: rates, budgets, approvals, reports." },
    ADMIN: { description: "Runs the platform." },
  },
});

/** Sentinel for @Authorized(PUBLIC): open to anonymous callers, stated explicitly. */
export const PUBLIC = "PUBLIC";
/**
 * Sentinel for @Authorized(SIGNED_IN): every signed-in person, newcomers included (a valid token
 * whose subject no user has yet). `@Authorized()` with no roles admits registered users only.
 */
export const SIGNED_IN = "SIGNED_IN";
export type Access = Role | typeof PUBLIC | typeof SIGNED_IN;

/** Who a newcomer's token says they are: a signed-in person with no user (and so no roles) yet. */
export interface Newcomer {
  subject: string;
  email: string;
  displayName: string;
}

export interface Viewer {
  /** A newcomer's is the id their user will be given when they register (derived from the subject). */
  userId: string;
  roles: ReadonlySet<Role>;
  providerId: string | null;
  fundingBodyCode: string | null;
  clientId: string | null;
  /** Set for a newcomer: no user row exists yet. */
  newcomer?: Newcomer;
}

export function hasRole(viewer: Viewer | null, ...roles: Role[]): viewer is Viewer {
  return viewer !== null && roles.some((role) => viewer.roles.has(role));
}

/**
 * The viewer of a resolver behind a signed-in @Authorized: the authChecker has already refused
 * anonymous callers, so this only turns that guarantee into a type (no `viewer!`).
 */
export function signedIn(viewer: Viewer | null): Viewer {
  if (!viewer) throw unauthenticated();
  return viewer;
}

/** An empty role list means "every registered user"; SIGNED_IN admits newcomers too. */
export const authChecker: AuthChecker<{ viewer: Viewer | null }, Access> = ({ context }, allowed) => {
  if (allowed.includes(PUBLIC)) return true;
  if (!context.viewer) throw unauthenticated();
  if (allowed.includes(SIGNED_IN)) return true;
  if (context.viewer.newcomer) throw forbidden("You have no role here yet: a provider joins with registerProvider; others are invited by their council.");
  if (allowed.length === 0 || hasRole(context.viewer, ...(allowed as Role[]))) return true;
  throw forbidden();
};
