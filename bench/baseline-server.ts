/**
 * The baseline of `npm run bench`: the same search answered by plain Node.js and one hand-written
 * SQL statement over `pg`, with the same JSON out. No GraphQL, no ORM, no framework.
 */
import { createServer } from "node:http";
import { Pool } from "pg";

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const toGlobalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64url");

const SQL = `
  SELECT l.id, l.title, l.price_pence, l.unit, p.name, p.cqc_rating
  FROM listings l JOIN providers p ON p.id = l.provider_id
  WHERE l.active AND l.category_code = $1 AND (p.service_areas @> ARRAY[$2]::varchar[] OR l.setting = 'REMOTE')
  ORDER BY l.price_pence, l.id LIMIT 20`;

interface Row {
  id: string;
  title: string;
  price_pence: number;
  unit: string;
  name: string;
  cqc_rating: string | null;
}

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => void answer(Buffer.concat(chunks).toString("utf8")));
  const answer = async (body: string) => {
    try {
      const { variables } = JSON.parse(body) as { variables: { filter: { categoryCodes: string[]; fundingBodyCode: string } } };
      const { rows } = await pool.query<Row>(SQL, [variables.filter.categoryCodes[0], variables.filter.fundingBodyCode]);
      const edges = rows.map((r) => ({
        node: { id: toGlobalId("Listing", r.id), title: r.title, pricePence: r.price_pence, unit: r.unit, provider: { name: r.name, cqcRating: r.cqc_rating } },
      }));
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ data: { listings: { edges } } }));
    } catch (error) {
      res.writeHead(500);
      res.end(String(error));
    }
  };
}).listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready"));
