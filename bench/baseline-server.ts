/**
 * The baseline of `npm run bench`: the bench's queries answered by plain Node.js and one
 * hand-written SQL statement each over `pg`, with the API's JSON out, byte for byte (newline too). No GraphQL,
 * no ORM, no framework: the floor that the API's overhead is measured from.
 */
import "reflect-metadata";
import { createServer } from "node:http";
import { Pool } from "pg";
import { councilRateLateral } from "../src/modules/pricing/reference-rate.queries";

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const toGlobalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64url");
const londonToday = () => new Date().toLocaleDateString("en-CA", { timeZone: "Europe/London" });

const SEARCH = `
  SELECT l.id, l.title, l.price_pence, l.unit, p.name, p.cqc_rating
  FROM listings l JOIN providers p ON p.id = l.provider_id
  WHERE l.active AND l.category_code = $1 AND (p.service_areas @> ARRAY[$2]::varchar[] OR l.setting = 'REMOTE')
  ORDER BY l.price_pence, l.id LIMIT 20`;
const COMPARE = `
  SELECT l.id, l.title, l.price_pence, l.unit, p.name, p.cqc_rating, cr.pence AS reference_pence
  FROM listings l JOIN providers p ON p.id = l.provider_id
  LEFT JOIN LATERAL ${councilRateLateral("l", "$2", "$3::date")} cr ON true
  WHERE l.active AND l.category_code = $1 AND (p.service_areas @> ARRAY[$2]::varchar[] OR l.setting = 'REMOTE')
  ORDER BY l.price_pence, l.id LIMIT 20`;
const PROVIDER = `
  SELECT p.id AS provider_id, l.id, l.title, l.price_pence, l.unit
  FROM providers p LEFT JOIN LATERAL (
    SELECT l.id, l.title, l.price_pence, l.unit FROM listings l WHERE l.provider_id = p.id AND l.active ORDER BY l.id DESC LIMIT 50
  ) l ON true WHERE p.id = $1`;

interface Row {
  id: string;
  title: string;
  price_pence: number;
  unit: string;
  name: string;
  cqc_rating: string | null;
  reference_pence?: number | null;
}

interface Request {
  query: string;
  variables: { filter?: { categoryCodes: string[]; fundingBodyCode: string }; id?: string };
}

async function answer({ query, variables }: Request): Promise<string> {
  if (variables.id !== undefined) {
    const uuid = Buffer.from(variables.id, "base64url").toString("utf8").slice("Provider:".length);
    const { rows } = await pool.query<Omit<Row, "name" | "cqc_rating"> & { provider_id: string }>(PROVIDER, [uuid]);
    if (rows.length === 0) return JSON.stringify({ data: { provider: null } });
    const nodes = rows.filter((r) => r.id !== null).map((r) => ({ id: toGlobalId("Listing", r.id), title: r.title, pricePence: r.price_pence, unit: r.unit }));
    return JSON.stringify({ data: { provider: { listings: { nodes } } } });
  }
  const filter = variables.filter!;
  const comparing = query.includes("priceComparison");
  const { rows } = comparing
    ? await pool.query<Row>(COMPARE, [filter.categoryCodes[0], filter.fundingBodyCode, londonToday()])
    : await pool.query<Row>(SEARCH, [filter.categoryCodes[0], filter.fundingBodyCode]);
  const edges = rows.map((r) => {
    const node = {
      id: toGlobalId("Listing", r.id),
      title: r.title,
      pricePence: r.price_pence,
      unit: r.unit,
      provider: { name: r.name, cqcRating: r.cqc_rating },
    };
    if (!comparing) return { node };
    const priceComparison = r.reference_pence == null ? null : { referencePence: r.reference_pence, differencePence: r.price_pence - r.reference_pence };
    return { node: { ...node, priceComparison } };
  });
  return JSON.stringify({ data: { listings: { edges } } });
}

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const read = async () => answer(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Request);
    read().then(
      (body) => {
        res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
        res.end(`${body}\n`); // as Apollo ends its answers
      },
      (error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      },
    );
  });
}).listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
