/**
 * Bearer tokens: HS256 with JWT_SECRET (tokens this server issues), or RS256 from JWKS_URL (an
 * external identity provider). `exp` and `sub` are required; `none` and any other algorithm are
 * refused. A token's life is bounded: not issued in the future, and not living longer than
 * `maxAgeSeconds` (JWT_MAX_AGE), so a leaked long-lived token cannot outlast a day's revocation.
 * The subject names a user; a subject no user has, with an `email` claim, is a newcomer (the caller
 * decides what they may do).
 */
import { GraphQLError } from "graphql";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { unauthenticated } from "../../shared/errors";
import { isValidText } from "../../shared/validation";

export interface JwtSettings {
  secret: string | undefined;
  jwksUrl: string | undefined;
  issuer: string | undefined;
  audience: string | undefined;
  maxAgeSeconds: number;
}

const CLOCK_TOLERANCE_SECONDS = 30;

/** What a verified token says of its bearer. */
export interface TokenClaims {
  subject: string;
  /** The `email` claim when it is a plausible address (and `email_verified` is not false). */
  email: string | null;
  /** The `name` claim, if it is valid text. */
  name: string | null;
}

export class TokenService {
  private readonly secret: Uint8Array | undefined;
  private readonly jwks: JWTVerifyGetKey | undefined;

  constructor(private readonly settings: JwtSettings) {
    this.secret = settings.secret ? new TextEncoder().encode(settings.secret) : undefined;
    this.jwks = settings.jwksUrl ? createRemoteJWKSet(new URL(settings.jwksUrl)) : undefined;
  }

  /** The verified `sub` of a token, or an UNAUTHENTICATED error saying why not. */
  async subjectOf(token: string): Promise<string> {
    return (await this.claimsOf(token)).subject;
  }

  /** The verified claims of a token, or an UNAUTHENTICATED error saying why not. */
  async claimsOf(token: string): Promise<TokenClaims> {
    const algorithm = algorithmOf(token);
    const options = {
      requiredClaims: ["exp", "sub"],
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    };
    try {
      if (algorithm === "HS256" && this.secret) {
        return this.subjectWithin(await jwtVerify(token, this.secret, { ...options, algorithms: ["HS256"] }));
      }
      if (algorithm === "RS256" && this.jwks) {
        return this.subjectWithin(await jwtVerify(token, this.jwks, { ...options, algorithms: ["RS256"] }));
      }
    } catch (error) {
      if (error instanceof GraphQLError) throw error;
      const reason = error instanceof Error && "code" in error && error.code === "ERR_JWT_EXPIRED" ? "has expired" : "is not valid";
      throw unauthenticated(`The bearer token ${reason}. Sign in again.`);
    }
    throw unauthenticated(`Tokens signed with ${algorithm ?? "no algorithm"} are not accepted.`);
  }

  /**
   * A token for a local user (tests, `npm run token`), or with `claims` for a newcomer as an identity
   * provider would issue it (`npm run token -- --new`). Needs JWT_SECRET.
   */
  async issue(subject: string, lifetimeSeconds = 3600, claims: { email?: string; name?: string } = {}): Promise<string> {
    if (!this.secret) throw new Error("Issuing tokens needs JWT_SECRET.");
    if (lifetimeSeconds > this.settings.maxAgeSeconds) {
      throw new Error(`A token may live at most ${duration(this.settings.maxAgeSeconds)} (JWT_MAX_AGE).`);
    }
    let jwt = new SignJWT({ ...claims }).setProtectedHeader({ alg: "HS256", typ: "JWT" }).setSubject(subject).setIssuedAt();
    jwt = jwt.setExpirationTime(Math.floor(Date.now() / 1000) + lifetimeSeconds);
    if (this.settings.issuer) jwt = jwt.setIssuer(this.settings.issuer);
    if (this.settings.audience) jwt = jwt.setAudience(this.settings.audience);
    return jwt.sign(this.secret);
  }

  /** The claims of a verified token whose life is within bounds (jose has checked `exp` is ahead). */
  private subjectWithin({ payload }: { payload: JWTPayload }): TokenClaims {
    const now = Math.floor(Date.now() / 1000);
    const issuedAt = payload.iat ?? now;
    if (issuedAt > now + CLOCK_TOLERANCE_SECONDS) throw unauthenticated("The bearer token was issued in the future. Check the issuer's clock.");
    const lifetime = (payload.exp ?? Infinity) - issuedAt;
    if (lifetime > this.settings.maxAgeSeconds + CLOCK_TOLERANCE_SECONDS) {
      throw unauthenticated(`The bearer token lives longer than the ${duration(this.settings.maxAgeSeconds)} allowed. Sign in again.`);
    }
    if (!payload.sub) throw unauthenticated("The bearer token has no subject.");
    // Subjects are looked up in `users.subject`, varchar(255): anything that cannot be one names nobody.
    if (payload.sub.length > 255 || !isValidText(payload.sub)) throw unauthenticated("The bearer token's subject is not valid text.");
    return { subject: payload.sub, email: emailIn(payload), name: textClaim(payload.name, 200) };
  }
}

/** A plausible address from the `email` claim; none when the identity provider says it is unverified. */
function emailIn(payload: JWTPayload): string | null {
  if (payload.email_verified === false) return null;
  const email = textClaim(payload.email, 254);
  return email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? email : null;
}

function textClaim(value: unknown, maxLength: number): string | null {
  if (typeof value !== "string") return null;
  const text = value.trim();
  return text.length > 0 && text.length <= maxLength && isValidText(text) ? text : null;
}

function algorithmOf(token: string): string | undefined {
  try {
    return decodeProtectedHeader(token).alg;
  } catch {
    throw unauthenticated("The bearer token is not a JWT.");
  }
}

function duration(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} hours` : `${Math.round(seconds / 60)} minutes`;
}
