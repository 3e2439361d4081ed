/**
 * Who may see and act for a client. Pure: no I/O. Denials read as "not found" to the caller.
 * - the client (a CLIENT user linked to them), their assigned broker: see and act;
 * - commissioners of the client's funding body, admins: see, act and manage budgets;
 * - providers: only what a booking needs, through the booking (never budget figures).
 */
import { Role, type Viewer } from "../../shared/auth";
import { ageOn } from "../../shared/time";
import { AgeBand } from "./budget.enums";

export interface ClientLinks {
  id: string;
  fundingBodyCode: string;
  brokerUserId: string | null;
}

export function canManage(viewer: Viewer, client: Pick<ClientLinks, "fundingBodyCode">): boolean {
  return viewer.roles.has(Role.ADMIN) || (viewer.roles.has(Role.COMMISSIONER) && viewer.fundingBodyCode === client.fundingBodyCode);
}

/** Sees the client's details and budgets, and may request quotes and book for them. */
export function canActFor(viewer: Viewer, client: ClientLinks): boolean {
  return (
    canManage(viewer, client) ||
    (viewer.roles.has(Role.CLIENT) && viewer.clientId === client.id) ||
    (viewer.roles.has(Role.BROKER) && client.brokerUserId === viewer.userId)
  );
}

export function ageBandOf(dateOfBirth: string, today: string): AgeBand {
  const age = ageOn(dateOfBirth, today);
  if (age < 18) return AgeBand.UNDER_18;
  if (age < 65) return AgeBand.AGE_18_64;
  if (age < 75) return AgeBand.AGE_65_74;
  if (age < 85) return AgeBand.AGE_75_84;
  return AgeBand.AGE_85_PLUS;
}
