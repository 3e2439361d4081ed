/**
 * The views PostGraphile (the bench's peer) serves, in schema `pgl`: the same rows as the API's
 * search, comparison and provider listings, shaped so that each bench query is one statement.
 * Smart tags give the views the keys and relations that views lack.
 */
import { councilRateLateral } from "../src/modules/pricing";

/** base64url("Type:uuid") in SQL, as src/shared/ids.ts toGlobalId makes it. */
const globalId = (type: string, id: string) => `translate(encode(convert_to('${type}:' || ${id}::text, 'UTF8'), 'base64'), E'+/=\\n', '-_')`;
const TODAY = "(now() AT TIME ZONE 'Europe/London')::date";

export const PEER_VIEWS = [
  "DROP SCHEMA IF EXISTS pgl CASCADE",
  "CREATE SCHEMA pgl",
  "CREATE VIEW pgl.providers AS SELECT p.id, p.name, p.cqc_rating FROM providers p",
  `COMMENT ON VIEW pgl.providers IS E'@primaryKey id'`,
  `CREATE VIEW pgl.listings AS SELECT l.id, ${globalId("Listing", "l.id")} AS global_id, l.provider_id, l.title, l.price_pence, l.unit
   FROM listings l WHERE l.active`,
  `COMMENT ON VIEW pgl.listings IS E'@primaryKey id\\n@foreignKey (provider_id) references pgl.providers (id)'`,
  `CREATE VIEW pgl.offers AS
   SELECT l.id, fb.code AS funding_body_code, l.category_code, ${globalId("Listing", "l.id")} AS global_id, l.title, l.price_pence, l.unit, l.provider_id,
          cr.pence AS reference_pence, l.price_pence - cr.pence AS difference_pence
   FROM listings l JOIN providers p ON p.id = l.provider_id CROSS JOIN funding_bodies fb
   LEFT JOIN LATERAL ${councilRateLateral("l", "fb.code", TODAY)} cr ON true
   WHERE l.active AND (p.service_areas @> ARRAY[fb.code]::varchar[] OR l.setting = 'REMOTE')`,
  `COMMENT ON VIEW pgl.offers IS E'@primaryKey id,funding_body_code\\n@foreignKey (provider_id) references pgl.providers (id)'`,
];
