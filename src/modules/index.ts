/**
 * The modules, lowest first: each may import only from those before it (through their index.ts).
 * reference ← auth ← pricing ← providers ← events ← listings ← budgets ← bookings ← quotes ← brokers ← settlement ← reports
 * (quotes above bookings: accepting a quote makes a booking, in the same transaction; events low, so
 * that every module that changes something others must hear about can record it; settlement above
 * bookings: it confirms, disputes and pays delivered visits, and reports read its tables.)
 */
import type { NodeFetcher } from "../shared/ids";
import { IdempotencyKeyEntity } from "../shared/idempotency";
import { authModule } from "./auth";
import { bookingsModule } from "./bookings";
import { brokersModule } from "./brokers";
import { budgetsModule } from "./budgets";
import { eventsModule } from "./events";
import { listingsModule } from "./listings";
import { pricingModule } from "./pricing";
import { providersModule } from "./providers";
import { quotesModule } from "./quotes";
import { referenceModule } from "./reference";
import { reportsModule, type ReportsContext } from "./reports";
import { settlementModule } from "./settlement";

/**
 * The context the schema is resolved with: the top module's, which by construction holds every
 * module's services and loaders (each module's context extends the one below it). src/app.ts builds it.
 */
export type SchemaContext = ReportsContext;

type Class = new (...args: never[]) => object;

interface Module {
  entities: Class[];
  resolvers: Class[];
  /** How `node(id:)` fetches each of the module's types. */
  nodes: Record<string, NodeFetcher<SchemaContext>>;
}

const modules: Module[] = [
  referenceModule,
  authModule,
  pricingModule,
  providersModule,
  eventsModule,
  listingsModule,
  budgetsModule,
  bookingsModule,
  quotesModule,
  brokersModule,
  settlementModule,
  reportsModule,
];

export const entities = [...modules.flatMap((m) => m.entities), IdempotencyKeyEntity];
export const resolvers = modules.flatMap((m) => m.resolvers);
/** A Map, not an object: a type name read from a client's id must never find `constructor` or `__proto__`. */
export const nodeFetchers = new Map<string, NodeFetcher<SchemaContext>>(modules.flatMap((m) => Object.entries(m.nodes)));
