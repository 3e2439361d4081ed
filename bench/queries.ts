/**
 * The bench's queries, as each server is asked them, and how each server's answer is read back
 * into the API's shape (so answers can be compared before load). The API and the raw baseline
 * must answer byte for byte alike; PostGraphile's own shape is mapped onto the API's first.
 */
export type Scenario = "search" | "Q1" | "Q2";
export type ServerKind = "api" | "raw" | "peer";

export const SCENARIOS: { name: Scenario; title: string }[] = [
  { name: "Q1", title: "Q1 listings(first: 20, filter) + provider { name cqcRating } + priceComparison { referencePence differencePence }" },
  { name: "Q2", title: "Q2 provider(id) { listings(first: 50) { nodes { id title pricePence unit } } }" },
  { name: "search", title: "search: listings(first: 20, filter) + provider { name cqcRating }" },
];

export const SEARCH = `query Search($filter: ListingFilter) { listings(first: 20, filter: $filter) { edges { node { id title pricePence unit provider { name cqcRating } } } } }`;
export const Q1 = `query Q1($filter: ListingFilter) { listings(first: 20, filter: $filter) { edges { node { id title pricePence unit provider { name cqcRating } priceComparison { referencePence differencePence } } } } }`;
export const Q2 = `query Q2($id: ID!) { provider(id: $id) { listings(first: 50) { nodes { id title pricePence unit } } } }`;

const PEER_SEARCH = (comparison: string) =>
  `query($c: String!, $b: String!) { listings: allOffers(first: 20, condition: { categoryCode: $c, fundingBodyCode: $b }, orderBy: [PRICE_PENCE_ASC, PRIMARY_KEY_ASC]) { edges { node { id: globalId title pricePence unit provider: providerByProviderId { name cqcRating }${comparison} } } } }`;
const PEER_Q1 = PEER_SEARCH(" referencePence differencePence");
const PEER_Q2 = `query($id: UUID!) { provider: providerByRowId(rowId: $id) { listings: listingsByProviderId(first: 50, orderBy: PRIMARY_KEY_DESC) { nodes { id: globalId title pricePence unit } } } }`;

export interface Filter {
  categoryCodes: string[];
  fundingBodyCode: string;
}

export const FILTERS: Filter[] = ["PA_SUPPORT", "PERSONAL_CARE", "DOMESTIC", "GARDENING"].map((category) => ({
  categoryCodes: [category],
  fundingBodyCode: "E09000024",
}));

/** The request bodies of a scenario for a kind of server: the raw baseline reads the API's. */
export function bodies(scenario: Scenario, kind: ServerKind, providers: { globalId: string; uuid: string }[]): string[] {
  if (scenario === "Q2") {
    return providers.map((p) =>
      kind === "peer" ? JSON.stringify({ query: PEER_Q2, variables: { id: p.uuid } }) : JSON.stringify({ query: Q2, variables: { id: p.globalId } }),
    );
  }
  return FILTERS.map((filter) =>
    kind === "peer"
      ? JSON.stringify({ query: scenario === "Q1" ? PEER_Q1 : PEER_SEARCH(""), variables: { c: filter.categoryCodes[0], b: filter.fundingBodyCode } })
      : JSON.stringify({ query: scenario === "Q1" ? Q1 : SEARCH, variables: { filter } }),
  );
}

interface PeerNode {
  id: string;
  title: string;
  pricePence: number;
  unit: string;
  provider: { name: string; cqcRating: string | null };
  referencePence?: number | null;
  differencePence?: number | null;
}

/** PostGraphile's answer in the API's shape (text, ending in a newline as Apollo's does), for comparison. */
export function peerAsApi(scenario: Scenario, answer: string): string {
  if (scenario === "Q2") return `${JSON.stringify(JSON.parse(answer))}\n`; // aliased to the API's shape already
  const parsed = JSON.parse(answer) as { data: { listings: { edges: { node: PeerNode }[] } } };
  const edges = parsed.data.listings.edges.map(({ node: { referencePence, differencePence, ...node } }) => ({
    node: scenario === "Q1" ? { ...node, priceComparison: referencePence == null ? null : { referencePence, differencePence } } : node,
  }));
  return `${JSON.stringify({ data: { listings: { edges } } })}\n`;
}
