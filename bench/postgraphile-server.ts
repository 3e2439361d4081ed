/**
 * The peer of `npm run bench`: PostGraphile 5 (Amber preset) over the views of bench/peer-views.ts
 * in schema `pgl`, one Node process, pool 10, as an outside benchmark runs it. Each of the bench's
 * queries becomes one SQL statement.
 */
import "./node22-shim";
import { createServer } from "node:http";
import { Pool } from "pg";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const instance = postgraphile({
  extends: [PostGraphileAmberPreset],
  pgServices: [makePgService({ pool, schemas: ["pgl"] })],
  grafserv: { graphqlPath: "/graphql", graphiql: false },
  grafast: { explain: false },
});
const serv = instance.createServ(grafserv);
const server = createServer();
server.on("error", (error) => {
  console.error(error);
  process.exit(1);
});
serv.addTo(server).then(
  () => server.listen(Number(process.env.PORT), "127.0.0.1", () => process.send?.("ready")),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
