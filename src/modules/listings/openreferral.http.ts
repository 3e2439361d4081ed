/**
 * GET /openreferral/…: the Open Referral UK read-only feed (HSDS 3.0, UK profile). Open to everyone,
 * cacheable (a weak ETag of the body, Cache-Control) and CORS `*`, as ORUK directories are.
 * Routes: `/` (version and profile), `/services`, `/services/{id}`, `/service_at_locations`,
 * `/taxonomies`, `/taxonomy_terms`. List parameters: page, per_page, text (or search),
 * taxonomy_term_id, taxonomy_id, postcode, organization_id; proximity is accepted and ignored
 * (listings have no coordinates: postcode filters by the districts a provider covers).
 */
import { createHash } from "node:crypto";
import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import { isUuid } from "../../shared/ids";
import { isValidText } from "../../shared/validation";
import type { FeedRequest, OpenReferralService } from "./openreferral.service";
import { DEFAULT_PER_PAGE, districtOf, MAX_PER_PAGE, ORUK_OPENAPI, ORUK_PROFILE, ORUK_VERSION } from "./openreferral.rules";

const CACHE_CONTROL = "public, max-age=300";

class BadRequest extends Error {}

export function openReferralRouter(feed: OpenReferralService): Router {
  const router = express.Router();
  router.use((req, res, next) => {
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS");
    res.setHeader("Access-Control-Allow-Headers", "if-none-match, content-type");
    res.setHeader("Access-Control-Expose-Headers", "ETag");
    if (req.method === "OPTIONS") return void res.status(204).setHeader("Access-Control-Max-Age", "600").end();
    next();
  });
  router.get(
    "/",
    answer(() => Promise.resolve({ version: ORUK_VERSION, profile: ORUK_PROFILE, openapi_url: ORUK_OPENAPI })),
  );
  router.get(
    "/services",
    answer((req) => feed.services(listRequest(req))),
  );
  router.get(
    "/services/:id",
    answer((req) => {
      const id = String(req.params.id);
      return isUuid(id.toLowerCase()) ? feed.service(id.toLowerCase()) : Promise.resolve(null);
    }),
  );
  router.get(
    "/service_at_locations",
    answer((req) => feed.servicesAtLocations(listRequest(req))),
  );
  router.get(
    "/taxonomies",
    answer((req) => Promise.resolve(feed.taxonomies(...pageOf(req)))),
  );
  router.get(
    "/taxonomy_terms",
    answer((req) => feed.taxonomyTerms(...pageOf(req))),
  );
  router.use((_req, res) => {
    res.status(404).json(errorBody("Not found. See /openreferral/ for the feed's version, and ORUK's openapi.json for its paths."));
  });
  return router;
}

/** A JSON answer with its ETag; 304 when the client has it; 404 for null. */
function answer(work: (req: Request) => Promise<object | null>): RequestHandler {
  return async (req, res: Response, next) => {
    try {
      const body = await work(req);
      if (body === null) return void res.status(404).json(errorBody("No active service of a verified provider has this id."));
      const json = JSON.stringify(body);
      const etag = `W/"${createHash("sha1").update(json).digest("base64url")}"`;
      res.setHeader("ETag", etag);
      res.setHeader("Cache-Control", CACHE_CONTROL);
      if (req.headers["if-none-match"] === etag) return void res.status(304).end();
      res.type("application/json").send(json);
    } catch (error) {
      if (error instanceof BadRequest) return void res.status(400).json(errorBody(error.message));
      next(error);
    }
  };
}

function errorBody(message: string) {
  return { errors: [{ message }] };
}

function text(req: Request, name: string): string | null {
  const value = req.query[name];
  if (value === undefined) return null;
  if (typeof value !== "string" || value.length > 200 || !isValidText(value)) throw new BadRequest(`${name} is one value of at most 200 characters.`);
  return value.trim() || null;
}

function integer(req: Request, name: string, fallback: number, max: number): number {
  const value = text(req, name);
  if (value === null) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BadRequest(`${name} is a whole number from 1 to ${max}.`);
  return n;
}

function pageOf(req: Request): [number, number] {
  return [integer(req, "page", 1, 1_000_000), integer(req, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)];
}

function listRequest(req: Request): FeedRequest {
  const [page, perPage] = pageOf(req);
  const terms = text(req, "taxonomy_term_id");
  const organizationId = text(req, "organization_id")?.toLowerCase() ?? null;
  if (organizationId && !isUuid(organizationId)) throw new BadRequest("organization_id is an organisation's id (a UUID).");
  const postcode = text(req, "postcode");
  const district = postcode ? districtOf(postcode) : null;
  if (district && !/^[A-Z]{1,2}[0-9][A-Z0-9]?$/.test(district)) throw new BadRequest("postcode is a UK postcode or postcode district (SW19 or SW19 2AB).");
  return {
    page,
    perPage,
    text: text(req, "text") ?? text(req, "search"),
    taxonomyTermIds: terms
      ? terms
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean)
      : null,
    taxonomyId: text(req, "taxonomy_id"),
    district,
    organizationId,
  };
}
