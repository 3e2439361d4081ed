import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aListing, aProvider, MERTON } from "../support/factories";

describe("reference data and nodes", () => {
  const api = useApi();

  it("lists the taxonomy with purpose, regulation and budget kinds", async () => {
    const { serviceCategories } = await api.data<{ serviceCategories: Record<string, unknown>[] }>(
      "{ serviceCategories { code name purpose regulated allowedFor } }",
    );
    expect(serviceCategories).toHaveLength(22);
    expect(serviceCategories[0]).toEqual({
      code: "PERSONAL_CARE",
      name: "Personal care at home",
      purpose: "LIFE_SUSTAINING",
      regulated: true,
      allowedFor: ["PERSONAL_BUDGET", "PERSONAL_HEALTH_BUDGET"],
    });
    expect(serviceCategories.find((c) => c.code === "SOCIAL_LEISURE")).toMatchObject({
      purpose: "LIFE_IMPROVING",
      allowedFor: ["PERSONAL_BUDGET", "PERSONAL_HEALTH_BUDGET"],
    });
  });

  it("knows the funding bodies of the published reference rates", async () => {
    const { fundingBodies, fundingBody } = await api.data<{ fundingBodies: { code: string }[]; fundingBody: unknown }>(
      `{ fundingBodies { code } fundingBody(code: "${MERTON}") { code name kind } }`,
    );
    expect(fundingBodies.map((f) => f.code)).toEqual(expect.arrayContaining([MERTON, "E10000018", "E92000001"]));
    expect(fundingBody).toEqual({ code: MERTON, name: "London Borough of Merton", kind: "LOCAL_AUTHORITY" });
  });

  it("fetches any object by its ID, in order, with null for what is not there", async () => {
    const provider = await aProvider(api.db);
    const listing = await aListing(api.db, provider);
    const ids = [
      toGlobalId("Listing", listing.id),
      toGlobalId("Provider", provider.id),
      toGlobalId("ServiceCategory", "GARDENING"),
      toGlobalId("FundingBody", MERTON),
      toGlobalId("Listing", provider.id),
      toGlobalId("Spaceship", listing.id),
      "%%%",
    ];
    const { nodes } = await api.data<{ nodes: unknown[] }>(
      `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Listing { title } ... on ServiceCategory { code } } }`,
      { ids },
    );
    expect(nodes).toEqual([
      { __typename: "Listing", id: ids[0], title: listing.title },
      { __typename: "Provider", id: ids[1] },
      { __typename: "ServiceCategory", id: ids[2], code: "GARDENING" },
      { __typename: "FundingBody", id: ids[3] },
      null,
      null,
      null,
    ]);
  });

  it("fetches at most 100 nodes at once", async () => {
    const result = await api.execute("query ($ids: [ID!]!) { nodes(ids: $ids) { id } }", { ids: Array(101).fill("x") });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
  });
});
