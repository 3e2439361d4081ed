/**
 * CORS for browser apps on other origins, from an allow-list (CORS_ORIGINS; none by default).
 * Bearer tokens travel in a header, never in cookies, so no credentials are allowed. Apollo's
 * CSRF prevention stays on: a simple cross-site request without a JSON body or the
 * `apollo-require-preflight` header is still refused.
 */
import type { RequestHandler } from "express";

const ALLOWED_HEADERS = "authorization, content-type, apollo-require-preflight, x-apollo-operation-name";
const PREFLIGHT_CACHE_SECONDS = 600;

export function cors(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    res.vary("Origin");
    if (origin === undefined || !allowed.has(origin)) {
      if (req.method === "OPTIONS" && origin !== undefined) {
        res.status(403).json({ errors: [{ message: `Origin ${origin} may not call this API (CORS_ORIGINS).`, extensions: { code: "FORBIDDEN" } }] });
        return;
      }
      next();
      return;
    }
    res.setHeader("Access-Control-Allow-Origin", origin);
    res.setHeader("Access-Control-Expose-Headers", "Retry-After");
    if (req.method !== "OPTIONS") {
      next();
      return;
    }
    res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
    res.setHeader("Access-Control-Max-Age", String(PREFLIGHT_CACHE_SECONDS));
    res.status(204).end();
  };
}
