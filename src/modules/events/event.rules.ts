/** The pure rules of events and webhooks: signatures, retry times, addresses refused, price alerts. */
import { createHmac, randomBytes } from "node:crypto";
import { BlockList, isIP } from "node:net";
import { PriceAlertReason } from "./event.enums";

// Standard Webhooks (https://www.standardwebhooks.com/): headers, secret format, signature.

export const SECRET_PREFIX = "whsec_";

/** A new signing secret: `whsec_` + base64 of 32 random bytes. */
export function newSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

/** `v1,` + base64 HMAC-SHA256 of `id.timestamp.body`, keyed by the secret's decoded bytes. */
export function signature(secret: string, id: string, timestampSeconds: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
  return "v1," + createHmac("sha256", key).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
}

/** The headers of one attempt. */
export function signedHeaders(secret: string, id: string, at: Date, body: string): Record<string, string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return {
    "content-type": "application/json",
    "user-agent": "personal-budget-marketplace-webhooks/1",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": signature(secret, id, timestamp, body),
  };
}

// Retries: exponential backoff with jitter, for a day.

export const FIRST_RETRY_MS = 10_000;
export const LONGEST_RETRY_MS = 3 * 3_600_000;
export const GIVE_UP_AFTER_MS = 24 * 3_600_000;

/**
 * When to try again after `failures` failed attempts (1, 2, …) of a delivery created at
 * `createdAt`: 10 s doubling to at most 3 h, each wait between half and all of that ("equal
 * jitter", so that receivers coming back are not hit by every sender at once); null once the
 * next try would fall more than a day after the delivery was created (give up).
 */
export function nextAttemptAt(createdAt: Date, now: Date, failures: number, random: number): Date | null {
  const ceiling = Math.min(FIRST_RETRY_MS * 2 ** Math.min(failures - 1, 30), LONGEST_RETRY_MS);
  const wait = ceiling / 2 + (ceiling / 2) * random;
  const next = now.getTime() + wait;
  return next - createdAt.getTime() > GIVE_UP_AFTER_MS ? null : new Date(next);
}

export function isSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}

// SSRF: addresses a webhook may never reach (unless WEBHOOK_ALLOW_PRIVATE, for development and tests).

const REFUSED = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], // "this network"
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local (cloud metadata at 169.254.169.254)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 3], // multicast and reserved, up to 255.255.255.255
] as const) {
  REFUSED.addSubnet(network, prefix, "ipv4");
}
for (const [network, prefix] of [
  ["::", 128], // unspecified
  ["::1", 128], // loopback
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["ff00::", 8], // multicast
  ["64:ff9b::", 96], // NAT64 (embeds an IPv4 address)
] as const) {
  REFUSED.addSubnet(network, prefix, "ipv6");
}

/** True for loopback, private, link-local and other addresses that are not the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address: refuse
  if (family === 6) {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    if (mapped) return REFUSED.check(mapped[1], "ipv4");
    return REFUSED.check(address, "ipv6");
  }
  return REFUSED.check(address, "ipv4");
}

/** What is wrong with a webhook URL before the DNS is asked (null: nothing). */
export function urlProblem(raw: string, production: boolean): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "Give an absolute URL, such as https://example.org/webhooks.";
  }
  const schemes = production ? ["https:"] : ["https:", "http:"];
  if (!schemes.includes(url.protocol)) return production ? "Webhook URLs must use https." : "Webhook URLs must use https (or http outside production).";
  if (url.username || url.password) return "Put no credentials in the URL: verify the signature instead.";
  if (url.hash) return "A webhook URL has no #fragment.";
  return null;
}

/** An IP literal in a URL's host, without IPv6 brackets; null for a name. */
export function ipLiteral(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, "");
  return isIP(bare) ? bare : null;
}

// Price alerts.

export const DEFAULT_PRICE_RISE_ALERT_PERCENT = 10;

export interface PriceMove {
  /** The price before; null for a quote (compared with its listing's price, when known). */
  previousPence: number | null;
  pricePence: number;
  /** The funding body's reference rate for these terms on the day; null: none. */
  referencePence: number | null;
  alertPercent: number;
  /** A quote is judged on where it stands; a listing on how it moved. */
  subject: "LISTING" | "QUOTE";
}

/**
 * Why a price move alerts a funding body, or null: a rise of more than `alertPercent` of the
 * previous price, or a move from at or below the reference rate to above it (a quote: above it).
 */
export function priceAlertReasons(move: PriceMove): PriceAlertReason[] {
  const reasons: PriceAlertReason[] = [];
  const { previousPence, pricePence, referencePence, alertPercent } = move;
  if (previousPence !== null && previousPence > 0 && (pricePence - previousPence) * 100 > alertPercent * previousPence) {
    reasons.push(PriceAlertReason.RISE_OVER_THRESHOLD);
  }
  const wasAtOrBelow = move.subject === "QUOTE" || previousPence === null || referencePence === null || previousPence <= referencePence;
  if (referencePence !== null && pricePence > referencePence && wasAtOrBelow) reasons.push(PriceAlertReason.ABOVE_REFERENCE);
  return reasons;
}

/** The rise in percent of the previous price, one decimal; null without one. */
export function risePercent(previousPence: number | null, pricePence: number): number | null {
  return previousPence ? Math.round(((pricePence - previousPence) * 1000) / previousPence) / 10 : null;
}
