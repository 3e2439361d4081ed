/**
 * Query limits, checked at validation (so once per distinct document, cached by Apollo): depth,
 * aliases and an estimated cost where a connection multiplies the cost of what it contains by its
 * page size. Introspection is exempt so that tools like Apollo Sandbox keep working.
 */
import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  type DocumentNode,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "./pagination";

export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
}

/**
 * Where an operation arrived: subscriptions are served over WebSocket (graphql-ws) only, and the
 * WebSocket carries subscriptions only (queries and mutations keep HTTP's idempotency and errors).
 */
export type Transport = "http" | "ws";

export const SUBSCRIPTIONS_OVER_WS = "Subscriptions are served over WebSocket (graphql-ws protocol) at /graphql, not over HTTP POST.";
export const ONLY_SUBSCRIPTIONS_OVER_WS = "Only subscriptions are served over the WebSocket: send queries and mutations by HTTP POST to /graphql.";

/** `stats` hears how many selections were visited per operation (the linear-work test reads it). */
export function queryLimitRules(limits: QueryLimits, stats?: (visits: number) => void, transport: Transport = "http"): ValidationRule[] {
  return [(context) => limitVisitor(context, limits, transport, stats)];
}

function limitVisitor(context: ValidationContext, limits: QueryLimits, transport: Transport, stats?: (visits: number) => void): ASTVisitor {
  const walker = new Walker(context); // one per document: each fragment is measured once, whatever spreads it
  return {
    OperationDefinition(operation: OperationDefinitionNode) {
      const subscription = operation.operation === OperationTypeNode.SUBSCRIPTION;
      if (subscription !== (transport === "ws")) {
        context.reportError(limitError(subscription ? SUBSCRIPTIONS_OVER_WS : ONLY_SUBSCRIPTIONS_OVER_WS));
        return;
      }
      const { height, cost, aliases } = walker.measure(operation.selectionSet);
      stats?.(walker.visits);
      const name = operation.name?.value ?? "the operation";
      if (height > limits.maxDepth) {
        context.reportError(limitError(`${name} is nested ${height} levels deep; the limit is ${limits.maxDepth}. Split it into smaller queries.`));
      }
      if (aliases > limits.maxAliases) {
        context.reportError(limitError(`${name} uses ${aliases} aliases; the limit is ${limits.maxAliases}.`));
      }
      if (cost > limits.maxCost) {
        const about = cost > Number.MAX_SAFE_INTEGER ? "more than 2^53" : `about ${cost}`;
        context.reportError(
          limitError(`${name} could touch ${about} objects; the limit is ${limits.maxCost}. Ask for smaller pages (first) or fewer nested lists.`),
        );
      }
    },
  };
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
}

/** What a selection set costs, independent of where it stands: its height, not an absolute depth. */
interface Measure {
  height: number;
  cost: number;
  aliases: number;
}

const NOTHING: Measure = { height: 0, cost: 0, aliases: 0 };

/**
 * Measures selection sets bottom-up. Measures are relative (height, not depth), so a fragment's
 * measure is the same wherever it is spread and is computed once: a document of fragments that
 * each spread the previous one twice costs one visit per selection, not 2^n.
 */
class Walker {
  /** Selections visited, for the test that proves the work is linear in the document's size. */
  visits = 0;
  private readonly fragments = new Map<string, Measure>();
  private readonly visiting = new Set<string>();

  constructor(private readonly context: ValidationContext) {}

  measure(selectionSet: SelectionSetNode): Measure {
    const total: Measure = { height: 0, cost: 0, aliases: 0 };
    for (const selection of selectionSet.selections) {
      this.visits += 1;
      const part = this.measureSelection(selection);
      total.height = Math.max(total.height, part.height);
      total.cost += part.cost;
      total.aliases += part.aliases;
    }
    return total;
  }

  private measureSelection(selection: SelectionSetNode["selections"][number]): Measure {
    switch (selection.kind) {
      case Kind.FIELD:
        return this.measureField(selection);
      case Kind.INLINE_FRAGMENT:
        return this.measure(selection.selectionSet);
      case Kind.FRAGMENT_SPREAD:
        return this.measureFragment(selection.name.value);
    }
  }

  private measureFragment(name: string): Measure {
    const known = this.fragments.get(name);
    if (known) return known;
    const fragment: FragmentDefinitionNode | null | undefined = this.context.getFragment(name);
    if (!fragment || this.visiting.has(name)) return NOTHING; // unknown fragments and cycles are reported by graphql-js
    this.visiting.add(name);
    const measure = this.measure(fragment.selectionSet);
    this.visiting.delete(name);
    this.fragments.set(name, measure);
    return measure;
  }

  private measureField(field: FieldNode): Measure {
    const aliases = field.alias ? 1 : 0;
    if (field.name.value.startsWith("__")) return { height: 0, cost: 0, aliases }; // introspection and __typename
    if (!field.selectionSet) return { height: 1, cost: 1, aliases };
    const inner = this.measure(field.selectionSet);
    return { height: inner.height + 1, cost: 1 + pageSize(field) * inner.cost, aliases: aliases + inner.aliases };
  }
}

/** `first` of a connection field; a variable could be anything up to the maximum. */
function pageSize(field: FieldNode): number {
  const first = field.arguments?.find((a) => a.name.value === "first");
  if (!first) return isConnectionLike(field) ? DEFAULT_PAGE_SIZE : 1;
  return first.value.kind === Kind.INT ? Math.min(Number(first.value.value), MAX_PAGE_SIZE) : MAX_PAGE_SIZE;
}

function isConnectionLike(field: FieldNode): boolean {
  return field.selectionSet?.selections.some((s) => s.kind === Kind.FIELD && ["edges", "nodes"].includes(s.name.value)) ?? false;
}

/** Far above any query the depth limit lets through, far below what exhausts the parser's stack (~2,500). */
export const MAX_SOURCE_NESTING = 256;

/**
 * How deeply a document's brackets nest, read from the source text before parsing: graphql-js
 * parses recursively, so a document nested thousands deep would exhaust the stack inside the
 * parser. One linear scan that skips strings and comments refuses it first, with a clear message.
 */
export function nestingDepth(source: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "#") {
      while (i < source.length && source[i] !== "\n" && source[i] !== "\r") i++;
    } else if (c === '"') {
      i = source.startsWith('"""', i) ? skipBlockString(source, i + 3) : skipString(source, i + 1);
    } else if (c === "{" || c === "[" || c === "(") {
      deepest = Math.max(deepest, ++depth);
    } else if (c === "}" || c === "]" || c === ")") {
      depth = Math.max(0, depth - 1);
    }
  }
  return deepest;
}

function skipString(source: string, i: number): number {
  for (; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === '"' || source[i] === "\n") return i;
  }
  return i;
}

function skipBlockString(source: string, i: number): number {
  for (; i < source.length; i++) {
    if (source.startsWith('\\"""', i)) i += 3;
    else if (source.startsWith('"""', i)) return i + 2;
  }
  return i;
}

/** Far above any real query; far below what makes graphql-js's validation slow. */
export const MAX_SELECTIONS = 1_000;
/** How often one response name may be selected in one selection set, fragments included. */
export const MAX_SAME_FIELD = 8;

/**
 * Why a document would be costly to validate, found before graphql-js validates it (null: none).
 * graphql-js's OverlappingFieldsCanBeMerged compares every pair of fields that share a response
 * name, so `{ viewer{id} viewer{id} … }` 4,900 times held the event loop for a second, under every
 * other limit. Such a document is refused here, in one linear pass, before any rule runs: brackets
 * nested too deep for the recursive parser, too many selections, or one name selected too often.
 */
export function costlyShape(source: string, maxTokens: number): string | null {
  if (nestingDepth(source) > MAX_SOURCE_NESTING) return `The document nests brackets more than ${MAX_SOURCE_NESTING} deep. Split it into smaller queries.`;
  let document: DocumentNode;
  try {
    document = parse(source, { maxTokens, noLocation: true });
  } catch {
    return null; // Apollo parses it again and reports the syntax error in its own words
  }
  return new ShapeReader(document).problem();
}

class ShapeReader {
  private selections = 0;
  private readonly fragments = new Map<string, SelectionSetNode>();
  private readonly namesOf = new Map<string, Map<string, number>>();

  constructor(private readonly document: DocumentNode) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition.selectionSet);
    }
  }

  problem(): string | null {
    const sets: SelectionSetNode[] = [];
    for (const definition of this.document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION || definition.kind === Kind.FRAGMENT_DEFINITION) sets.push(definition.selectionSet);
    }
    while (sets.length > 0) {
      const set = sets.pop()!;
      this.selections += set.selections.length;
      if (this.selections > MAX_SELECTIONS) return `The document makes more than ${MAX_SELECTIONS} selections. Split it into smaller queries.`;
      const repeated = [...this.names(set, new Set()).entries()].find(([, count]) => count > MAX_SAME_FIELD);
      if (repeated) return `The document selects "${repeated[0]}" ${repeated[1]} times in one place. Select each field once.`;
      for (const selection of set.selections) if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) sets.push(selection.selectionSet);
    }
    return null;
  }

  /** Response names selected in `set` and the fragments it spreads, counted; each fragment read once. */
  private names(set: SelectionSetNode, visiting: Set<string>): Map<string, number> {
    const counts = new Map<string, number>();
    const add = (name: string, n: number) => counts.set(name, Math.min((counts.get(name) ?? 0) + n, MAX_SAME_FIELD + 1));
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) add((selection.alias ?? selection.name).value, 1);
      else if (selection.kind === Kind.INLINE_FRAGMENT) for (const [name, n] of this.names(selection.selectionSet, visiting)) add(name, n);
      else for (const [name, n] of this.fragmentNames(selection.name.value, visiting)) add(name, n);
    }
    return counts;
  }

  private fragmentNames(fragment: string, visiting: Set<string>): Map<string, number> {
    const known = this.namesOf.get(fragment);
    if (known) return known;
    const set = this.fragments.get(fragment);
    if (!set || visiting.has(fragment)) return new Map(); // unknown fragments and cycles are graphql-js's to report
    visiting.add(fragment);
    const counts = this.names(set, visiting);
    visiting.delete(fragment);
    this.namesOf.set(fragment, counts);
    return counts;
  }
}
