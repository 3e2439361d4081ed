import { parse, validate, type GraphQLSchema } from "graphql";
import { createSchema } from "../../src/schema";
import { costlyShape, nestingDepth, queryLimitRules } from "../../src/shared/limits";

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
    expect(errorsOf(query)).toEqual(["the operation could touch about 20201 objects; the limit is 5000. Ask for smaller pages (first) or fewer nested lists."]);
    expect(errorsOf("{ providers(first: 10) { nodes { listings(first: 10) { nodes { title } } } } }")).toEqual([]);
  });

  it("assume the largest page when first is a variable", () => {
    const query = "query($n: Int!) { providers(first: $n) { nodes { listings(first: $n) { nodes { title } } } } }";
    expect(errorsOf(query)).toHaveLength(1);
  });

  it("leave introspection alone, so that tools keep working", () => {
    expect(errorsOf("{ __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }")).toEqual([]);
  });

  describe("work", () => {
    /** Fragments that each spread the previous one twice: 2^n fields once expanded, n+2 definitions written. */
    const doublingFragments = (n: number) => {
      let fragments = "fragment F0 on Listing { title }\n";
      for (let i = 1; i <= n; i++) fragments += `fragment F${i} on Listing { ...F${i - 1} ...F${i - 1} }\n`;
      return `{ listings(first: 1) { nodes { ...F${n} } } }\n${fragments}`;
    };
    const visitsFor = (query: string) => {
      let visits = 0;
      const errors = validate(
        schema,
        parse(query),
        queryLimitRules({ maxDepth: 12, maxAliases: 30, maxCost: 50_000 }, (v) => (visits = v)),
      );
      return { visits, errors: errors.map((e) => e.message) };
    };

    it("measure each fragment once, so doubling fragments cost one visit per selection written", () => {
      // given: 24 fragments (the audit's 1 KB document) and 200 fragments (2^200 fields expanded)
      for (const n of [24, 200]) {
        // when
        const { visits, errors } = visitsFor(doublingFragments(n));
        // then: two selections per fragment, plus F0's field and the operation's three
        expect(visits).toBe(2 * n + 1 + 3);
        expect(errors).toEqual([expect.stringMatching(/^the operation could touch (about \d+|more than 2\^53) objects; the limit is 50000\./)]);
      }
    });

    it("still price a fragment by everything it expands to", () => {
      expect(visitsFor(doublingFragments(10)).errors).toEqual([]);
      expect(visitsFor(doublingFragments(16)).errors).toEqual([
        "the operation could touch about 65538 objects; the limit is 50000. Ask for smaller pages (first) or fewer nested lists.",
      ]);
    });

    it("share the fragments' measures between the operations of one document", () => {
      const query = `query A { listings(first: 1) { nodes { ...F } } } query B { listings(first: 1) { nodes { ...F } } }
        fragment F on Listing { title provider { name } }`;
      let visits = 0;
      validate(
        schema,
        parse(query),
        queryLimitRules({ maxDepth: 12, maxAliases: 30, maxCost: 50_000 }, (v) => (visits = v)),
      );
      expect(visits).toBe(3 + 3 + 2 + 1);
    });
  });

  describe("nesting read before parsing", () => {
    it("count brackets of selections, arguments and lists", () => {
      expect(nestingDepth("{ a(x: [[1]]) { b } }")).toBe(4);
    });

    it("skip strings, block strings and comments", () => {
      expect(nestingDepth('{ a(x: "{{{{", y: """ {{{ \\""" {{ """) # {{{{\n { b } }')).toBe(2);
    });

    it("read a document nested 10,000 deep without recursion", () => {
      expect(nestingDepth("{a".repeat(10_000) + "}".repeat(10_000))).toBe(10_000);
    });
  });

  describe("shapes refused before validation", () => {
    const shape = (query: string) => costlyShape(query, 20_000);

    it("let ordinary documents through, repeats up to eight included", () => {
      expect(shape("{ listings(first: 20) { nodes { id title provider { name } } } }")).toBeNull();
      expect(shape(`{ ${"viewer { id } ".repeat(8)}}`)).toBeNull();
      expect(shape("query A { ...F ...F } fragment F on Query { viewer { id } }")).toBeNull();
    });

    it("count a name through fragments and inline fragments, once per fragment", () => {
      const spreads = (n: number) =>
        `{ ${"...F ".repeat(n)}... on Query { viewer { id } } ... on Query { viewer { id } } } fragment F on Query { viewer { id } }`;
      expect(shape(spreads(6))).toBeNull();
      expect(shape(spreads(7))).toBe('The document selects "viewer" 9 times in one place. Select each field once.');
    });

    it("leave syntax errors and fragment cycles to graphql-js", () => {
      expect(shape("{ viewer { ")).toBeNull();
      expect(shape("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }")).toBeNull();
    });
  });
});
