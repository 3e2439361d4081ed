/**
 * One POST of a webhook delivery, with the SSRF guard applied to the addresses actually connected
 * to: the DNS answer is checked inside the socket's own lookup, so a name cannot resolve to a
 * public address when checked and a private one when connected (DNS rebinding).
 */
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from "node:dns";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import type { LookupFunction } from "node:net";
import { ipLiteral, isPrivateAddress } from "./event.rules";

export type PostOutcome = { statusCode: number; error: null } | { statusCode: null; error: string };

const REFUSED_ADDRESS = "refused: the host resolves to a loopback, private or link-local address";

/** A lookup that refuses private addresses (every address of the answer must be public). */
export function guardedLookup(allowPrivate: boolean): LookupFunction {
  return (hostname: string, options: LookupOptions, callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      if (!allowPrivate && addresses.some((a) => isPrivateAddress(a.address))) return callback(new Error(REFUSED_ADDRESS), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      return first ? callback(null, first.address, first.family) : callback(new Error(`no address for ${hostname}`), []);
    });
  };
}

/** POSTs `body`; a 2xx–5xx answer is a status code, a refusal, timeout or network failure is an error. */
export function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  { timeoutMs, allowPrivate }: { timeoutMs: number; allowPrivate: boolean },
): Promise<PostOutcome> {
  const target = new URL(url);
  const literal = ipLiteral(target.hostname);
  if (literal && !allowPrivate && isPrivateAddress(literal)) return Promise.resolve({ statusCode: null, error: REFUSED_ADDRESS });
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome) => {
      if (!settled) resolve(outcome);
      settled = true;
    };
    const req = send(
      target,
      {
        method: "POST",
        headers: { ...headers, "content-length": String(Buffer.byteLength(body)) },
        lookup: guardedLookup(allowPrivate),
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        res.resume(); // the answer's body is not read: only its status counts
        res.on("end", () => finish({ statusCode: res.statusCode ?? 0, error: null }));
        res.on("error", () => finish({ statusCode: res.statusCode ?? 0, error: null }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error) => finish({ statusCode: null, error: error.message.slice(0, 500) }));
    req.end(body);
  });
}
