/** Who may create which users, and what each role must be linked to. Pure: no I/O. */
import { Role, type Viewer } from "../../shared/auth";
import { UserErrorCode, type UserErrorData } from "../../shared/errors";

export interface UserRequest {
  roles: Role[];
  providerId: string | null;
  fundingBodyCode: string | null;
  clientId: string | null;
  /** The funding body of `clientId`'s client, looked up by the caller. */
  clientFundingBodyCode?: string | null;
}

/** Roles a commissioner may hand out, within their own funding body (API.md, createUser). */
const COMMISSIONER_GRANTABLE = new Set([Role.CLIENT, Role.BROKER]);

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Who holds, arranges or approves budget money may not also be paid from it: a provider's member
 * is never a client, broker or commissioner (it would let one person book, confirm and deliver
 * to themselves). Those roles of `roles` that a provider member may not hold.
 */
export function rolesBarredFromProviders(roles: Iterable<Role>): Role[] {
  return [...roles].filter((role) => role === Role.CLIENT || role === Role.BROKER || role === Role.COMMISSIONER);
}

export const PROVIDER_CONFLICT_MESSAGE =
  "A budget holder, broker or commissioner cannot also work for a provider: they would be paid from budgets they spend or approve. Use a separate account for the provider.";

/**
 * Checks a createUser request against the viewer's powers and the links each role needs.
 * Returns the request with defaults applied (a commissioner's users join their funding body).
 */
export function checkUserRequest(viewer: Viewer, request: UserRequest): { request: UserRequest; errors: UserErrorData[] } {
  const errors: UserErrorData[] = [];
  const roles = [...new Set(request.roles)];
  let { fundingBodyCode } = request;

  if (!viewer.roles.has(Role.ADMIN)) {
    const refused = roles.filter((role) => !COMMISSIONER_GRANTABLE.has(role));
    if (refused.length > 0) {
      errors.push({
        code: UserErrorCode.NOT_PERMITTED,
        message: `A commissioner can create CLIENT and BROKER users only, not ${refused.join(", ")}. Ask an administrator.`,
        field: ["roles"],
      });
    }
    if (fundingBodyCode !== null && fundingBodyCode !== viewer.fundingBodyCode) {
      errors.push({
        code: UserErrorCode.NOT_PERMITTED,
        message: "A commissioner can create users of their own funding body only.",
        field: ["fundingBodyCode"],
      });
    }
    if (request.clientFundingBodyCode && request.clientFundingBodyCode !== viewer.fundingBodyCode) {
      errors.push({ code: UserErrorCode.NOT_FOUND, message: "No client of your funding body has this ID.", field: ["clientId"] });
    }
    fundingBodyCode = viewer.fundingBodyCode;
  }

  if (roles.includes(Role.PROVIDER) && rolesBarredFromProviders(roles).length > 0) {
    errors.push({ code: UserErrorCode.NOT_PERMITTED, message: PROVIDER_CONFLICT_MESSAGE, field: ["roles"] });
  }
  if (roles.includes(Role.PROVIDER) !== (request.providerId !== null)) {
    errors.push({
      code: UserErrorCode.INVALID_VALUE,
      message: "Give providerId exactly when the user has the PROVIDER role: it names the provider they work for.",
      field: ["providerId"],
    });
  }
  if (roles.includes(Role.CLIENT) !== (request.clientId !== null)) {
    errors.push({
      code: UserErrorCode.INVALID_VALUE,
      message: "Give clientId exactly when the user has the CLIENT role: it names the budget holder they are, or act for.",
      field: ["clientId"],
    });
  }
  if (roles.includes(Role.COMMISSIONER) && fundingBodyCode === null) {
    errors.push({
      code: UserErrorCode.INVALID_VALUE,
      message: "A COMMISSIONER needs fundingBodyCode: the council or NHS body they work for.",
      field: ["fundingBodyCode"],
    });
  }
  const { clientFundingBodyCode: _, ...checked } = request;
  return { request: { ...checked, roles, fundingBodyCode }, errors };
}
