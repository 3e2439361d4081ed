/**
 * The modules, lowest first: each may import only from those before it (through their index.ts).
 * reference ← auth ← providers ← listings
 */
import type { Context } from "../context";
import type { NodeFetcher } from "../shared/ids";
import { authModule } from "./auth";
import { listingsModule } from "./listings";
import { providersModule } from "./providers";
import { referenceModule } from "./reference";

type Class = new (...args: never[]) => object;

interface Module {
  entities: Class[];
  resolvers: Class[];
  /** How `node(id:)` fetches each of the module's types. */
  nodes: Record<string, NodeFetcher<Context>>;
}

const modules: Module[] = [referenceModule, authModule, providersModule, listingsModule];

export const entities = modules.flatMap((m) => m.entities);
export const resolvers = modules.flatMap((m) => m.resolvers);
export const nodeFetchers: Record<string, NodeFetcher<Context>> = Object.assign({}, ...modules.map((m) => m.nodes));
