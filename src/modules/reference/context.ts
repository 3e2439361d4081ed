/**
 * The request context as the reference module's resolvers see it: the core services plus this module's own services
 * and loaders. This is the lowest module; modules above it are not visible here.
 */
import type { RequestContext } from "../../context";
import type { ReferenceLoaders } from "./reference.loaders";
import type { ReferenceService } from "./reference.service";

export interface ReferenceServices {
  reference: ReferenceService;
}

export type Context = RequestContext<ReferenceServices, ReferenceLoaders>;
