/**
 * Query limits, checked at validation (so once per distinct document, cached by Apollo): depth,
 * aliases and an estimated cost where a connection multiplies the cost of what it contains by its
 * page size. Introspection is exempt so that tools like Apollo Sandbox keep working.
 */
import {
  GraphQLError,
  Kind,
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

export function queryLimitRules(limits: QueryLimits): ValidationRule[] {
  return [(context) => limitVisitor(context, limits)];
}

function limitVisitor(context: ValidationContext, limits: QueryLimits): ASTVisitor {
  return {
    OperationDefinition(operation: OperationDefinitionNode) {
      const walker = new Walker(context);
      const { depth, cost, aliases } = walker.measure(operation.selectionSet, 0);
      const name = operation.name?.value ?? "the operation";
      if (depth > limits.maxDepth) {
        context.reportError(limitError(`${name} is nested ${depth} levels deep; the limit is ${limits.maxDepth}. Split it into smaller queries.`));
      }
      if (aliases > limits.maxAliases) {
        context.reportError(limitError(`${name} uses ${aliases} aliases; the limit is ${limits.maxAliases}.`));
      }
      if (cost > limits.maxCost) {
        context.reportError(
          limitError(`${name} could touch about ${cost} objects; the limit is ${limits.maxCost}. Ask for smaller pages (first) or fewer nested lists.`),
        );
      }
    },
  };
}

function limitError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } });
}

interface Measure {
  depth: number;
  cost: number;
  aliases: number;
}

class Walker {
  private readonly visiting = new Set<string>();

  constructor(private readonly context: ValidationContext) {}

  measure(selectionSet: SelectionSetNode, level: number): Measure {
    const total: Measure = { depth: level, cost: 0, aliases: 0 };
    for (const selection of selectionSet.selections) {
      const part = this.measureSelection(selection, level);
      total.depth = Math.max(total.depth, part.depth);
      total.cost += part.cost;
      total.aliases += part.aliases;
    }
    return total;
  }

  private measureSelection(selection: SelectionSetNode["selections"][number], level: number): Measure {
    switch (selection.kind) {
      case Kind.FIELD:
        return this.measureField(selection, level);
      case Kind.INLINE_FRAGMENT:
        return this.measure(selection.selectionSet, level);
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment: FragmentDefinitionNode | null | undefined = this.context.getFragment(name);
        if (!fragment || this.visiting.has(name)) return { depth: level, cost: 0, aliases: 0 }; // cycles are reported by graphql-js
        this.visiting.add(name);
        const measure = this.measure(fragment.selectionSet, level);
        this.visiting.delete(name);
        return measure;
      }
    }
  }

  private measureField(field: FieldNode, level: number): Measure {
    const aliases = field.alias ? 1 : 0;
    if (field.name.value.startsWith("__")) return { depth: level, cost: 0, aliases }; // introspection and __typename
    if (!field.selectionSet) return { depth: level + 1, cost: 1, aliases };
    const inner = this.measure(field.selectionSet, level + 1);
    return { depth: inner.depth, cost: 1 + pageSize(field) * inner.cost, aliases: aliases + inner.aliases };
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
