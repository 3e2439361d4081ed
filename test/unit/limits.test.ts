import { parse, validate, type GraphQLSchema } from "graphql";
import { createSchema } from "../../src/schema";
import { queryLimitRules } from "../../src/shared/limits";

describe("query limits", () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await createSchema();
  });
  const errorsOf = (query: string, limits = { maxDepth: 6, maxAliases: 3, maxCost: 5000 }) =>
    validate(schema, parse(query), queryLimitRules(limits)).map((e) => e.message);

  it("let an ordinary search through", () => {
    expect(errorsOf("{ listings(first: 20) { edges { node { title provider { name } } } } }")).toEqual([]);
  });

  it("refuse queries nested too deep, fragments included", () => {
    const query = `query Deep { listings { edges { node { provider { listings { edges { node { ...F } } } } } } } }
      fragment F on Listing { provider { name } }`;
    expect(errorsOf(query)).toEqual(["Deep is nested 9 levels deep; the limit is 6. Split it into smaller queries."]);
  });

  it("refuse too many aliases", () => {
    expect(errorsOf("{ a: serviceCategories { code } b: serviceCategories { code } c: serviceCategories { code } d: serviceCategories { code } }")).toEqual([
      "the operation uses 4 aliases; the limit is 3.",
    ]);
  });

  it("multiply the cost of what a connection holds by its page size", () => {
    const query = "{ providers(first: 100) { nodes { listings(first: 100) { nodes { title } } } } }";
    expect(errorsOf(query)).toEqual([
      "the operation could touch about 20201 objects; the limit is 5000. Ask for smaller pages (first) or fewer nested lists.",
    ]);
    expect(errorsOf("{ providers(first: 10) { nodes { listings(first: 10) { nodes { title } } } } }")).toEqual([]);
  });

  it("assume the largest page when first is a variable", () => {
    const query = "query($n: Int!) { providers(first: $n) { nodes { listings(first: $n) { nodes { title } } } } }";
    expect(errorsOf(query)).toHaveLength(1);
  });

  it("leave introspection alone, so that tools keep working", () => {
    expect(errorsOf("{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }")).toEqual([]);
  });
});
