/**
 * Compiled execution (tuning `jit`): graphql-jit turns each operation, once, into a function that
 * resolves it without graphql-js's per-field bookkeeping. It sits behind Apollo Server's executor
 * hook (a gateway whose schema is ours), so parsing, validation, the query limits, plugins and
 * error formatting stay Apollo's. An operation graphql-jit cannot compile, a mutation, and a query
 * that ends in errors run on graphql-js.
 */
import type { ApolloServerOptionsWithGateway, BaseContext } from "@apollo/server";
import { execute, OperationTypeNode, type GraphQLSchema } from "graphql";
import { compileQuery, isCompiledQuery, type CompiledQuery } from "graphql-jit";

type Gateway = ApolloServerOptionsWithGateway<BaseContext>["gateway"];
type Executor = NonNullable<Awaited<ReturnType<Gateway["load"]>>["executor"]>;

/** Compiled operations kept: a client sends few distinct ones. */
const MAX_COMPILED = 1_000;

export function jitGateway(schema: GraphQLSchema): Gateway {
  const compiled = new Map<string, CompiledQuery | null>();
  const compiledFor = (key: string, compile: () => CompiledQuery | null) => {
    let query = compiled.get(key);
    if (query === undefined) {
      query = compile();
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
      compiled.set(key, query);
    }
    return query;
  };
  const executor: Executor = async ({ document, operation, operationName, queryHash, request, context }) => {
    const interpreted = () => execute({ schema, document, operationName, variableValues: request.variables, contextValue: context });
    // Mutations are not the hot path: graphql-js runs them, once, as it always has.
    if (operation.operation !== OperationTypeNode.QUERY) return interpreted();
    const query = compiledFor(`${queryHash}:${operationName ?? ""}`, () => {
      try {
        const result = compileQuery(schema, document, operationName ?? undefined);
        return isCompiledQuery(result) ? result : null;
      } catch {
        return null; // graphql-js runs it
      }
    });
    if (!query) return interpreted();
    const result = await query.query(undefined, context, request.variables ?? {});
    // A read that failed (bad variables, a resolver's error) is answered by graphql-js, so that
    // errors keep graphql-js's messages, paths and masking; only successes take the fast path.
    return result.errors?.length ? interpreted() : result;
  };
  return {
    load: () => Promise.resolve({ executor }),
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: "" });
      return () => undefined;
    },
    stop: () => Promise.resolve(),
  };
}
