/**
 * What a query asks for below the current field, for resolvers that can fetch less when a
 * costly field is not wanted. Fragments and inline fragments are followed; aliases do not matter.
 */
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

/** Whether any of `paths` (field names below the current field) is selected, e.g. ["nodes", "priceComparison"]. */
export function selects(info: GraphQLResolveInfo, ...paths: string[][]): boolean {
  return paths.some((path) => info.fieldNodes.some((node) => node.selectionSet && reaches(node.selectionSet, path, info)));
}

function reaches(selectionSet: SelectionSetNode, path: string[], info: GraphQLResolveInfo): boolean {
  const [name, ...rest] = path;
  return selectionSet.selections.some((selection) => {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value !== name) return false;
      return rest.length === 0 || (selection.selectionSet !== undefined && reaches(selection.selectionSet, rest, info));
    }
    const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : info.fragments[selection.name.value];
    return fragment !== undefined && reaches(fragment.selectionSet, path, info);
  });
}
