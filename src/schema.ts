/**
 * The GraphQL schema, built from the modules' resolvers. `npm run schema` writes it, sorted, to
 * schema.graphql; a test fails when the file is stale, so every API change shows in review.
 */
import "reflect-metadata";
import { writeFile } from "node:fs/promises";
import { ArrayMaxSize } from "class-validator";
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from "graphql";
import { GraphQLDateTime } from "graphql-scalars";
import { Arg, Args, ArgsType, Authorized, buildSchema, Ctx, Field, ID, Query, Resolver, type PubSub } from "type-graphql";
import { nodeFetchers, resolvers, type SchemaContext as Context } from "./modules";
import { authChecker, PUBLIC } from "./shared/auth";
import { Node, parseGlobalId } from "./shared/ids";
import { MAX_PAGE_SIZE } from "./shared/pagination";
import { validateInput } from "./shared/validation";

@ArgsType()
class NodesArgs {
  @Field(() => [ID])
  @ArrayMaxSize(MAX_PAGE_SIZE)
  ids!: string[];
}

@Authorized(PUBLIC)
@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: "Any object by its ID, if the viewer may see it." })
  node(@Arg("id", () => ID) id: string, @Ctx() context: Context): Promise<object | null> {
    return fetchNode(id, context);
  }

  @Query(() => [Node], { nullable: "items", description: "Up to 100 objects by ID, in order; null where not visible." })
  nodes(@Args() { ids }: NodesArgs, @Ctx() context: Context): Promise<(object | null)[]> {
    return Promise.all(ids.map((id) => fetchNode(id, context)));
  }
}

/** Dispatches on the type inside the ID; each module's fetcher applies that type's visibility. */
async function fetchNode(id: string, context: Context): Promise<object | null> {
  const parsed = parseGlobalId(id);
  const fetch = parsed ? nodeFetchers.get(parsed.type) : undefined;
  return parsed && fetch ? fetch(parsed.key, context) : null;
}

/**
 * type-graphql insists on a PubSub once there is a subscription; ours are fed by EventFeed
 * (`subscribe` of each @Subscription), so topics are never used.
 */
const NO_PUB_SUB: PubSub = {
  publish() {
    throw new Error("Subscriptions are fed by EventFeed, not by topics.");
  },
  subscribe() {
    throw new Error("Subscriptions are fed by EventFeed, not by topics.");
  },
};

export function createSchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [NodeResolver, ...resolvers],
    authChecker,
    validateFn: validateInput,
    scalarsMap: [{ type: Date, scalar: GraphQLDateTime }],
    pubSub: NO_PUB_SUB,
  });
}

export function printSortedSchema(schema: GraphQLSchema): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

/** `npm run schema` */
export async function emitSchema(file = "schema.graphql"): Promise<void> {
  await writeFile(file, printSortedSchema(await createSchema()));
}

if (require.main === module) {
  emitSchema().then(
    () => console.log("schema.graphql written"),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
