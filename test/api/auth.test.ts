import { Role } from "../../src/shared/auth";
import { toGlobalId } from "../../src/shared/ids";
import { useApi } from "../support/api";
import { aCommissioner, anAdmin, aProvider, aProviderMember, aUser, MERTON } from "../support/factories";

const CREATE_USER = /* GraphQL */ `
  mutation ($input: CreateUserInput!) {
    createUser(input: $input) {
      user { id email displayName roles subject fundingBody { code } provider { name } }
      userErrors { code message field }
    }
  }
`;

describe("identity", () => {
  const api = useApi();

  describe("viewer", () => {
    it("is null for anonymous callers", async () => {
      expect(await api.data("{ viewer { id } }")).toEqual({ viewer: null });
    });

    it("is the signed-in user, with what they work for", async () => {
      const { user, provider } = await aProviderMember(api.db);
      const data = await api.data<{ viewer: unknown }>("{ viewer { id email roles provider { name } fundingBody { code } } }", {}, { as: user });
      expect(data.viewer).toEqual({
        id: toGlobalId("User", user.id),
        email: user.email,
        roles: ["PROVIDER"],
        provider: { name: provider.name },
        fundingBody: null,
      });
    });
  });

  describe("createUser", () => {
    it("lets an admin create a provider member", async () => {
      const admin = await anAdmin(api.db);
      const provider = await aProvider(api.db);
      const input = { email: "New.Member@Example.org", displayName: "New Member", roles: ["PROVIDER"], providerId: toGlobalId("Provider", provider.id) };
      const { createUser } = await api.data<{ createUser: { user: unknown; userErrors: unknown[] } }>(CREATE_USER, { input }, { as: admin });
      expect(createUser).toEqual({
        user: {
          id: expect.any(String),
          email: "new.member@example.org",
          displayName: "New Member",
          roles: ["PROVIDER"],
          subject: "new.member@example.org",
          fundingBody: null,
          provider: { name: provider.name },
        },
        userErrors: [],
      });
    });

    it("puts a commissioner's broker in the commissioner's funding body", async () => {
      const commissioner = await aCommissioner(api.db, MERTON);
      const input = { email: "broker@example.org", displayName: "Bola", roles: ["BROKER"], subject: "idp|42" };
      const { createUser } = await api.data<{ createUser: { user: { fundingBody: unknown; subject: string } } }>(CREATE_USER, { input }, { as: commissioner });
      expect(createUser.user).toMatchObject({ fundingBody: { code: MERTON }, subject: "idp|42" });
    });

    it("does not let a commissioner create an admin, nor users of another funding body", async () => {
      const commissioner = await aCommissioner(api.db, MERTON);
      const input = { email: "x@example.org", displayName: "X", roles: ["ADMIN"], fundingBodyCode: "E10000018" };
      const { createUser } = await api.data<{ createUser: { user: null; userErrors: { code: string; field: string[] }[] } }>(
        CREATE_USER,
        { input },
        { as: commissioner },
      );
      expect(createUser.user).toBeNull();
      expect(createUser.userErrors.map((e) => [e.code, e.field])).toEqual([
        ["NOT_PERMITTED", ["input", "roles"]],
        ["NOT_PERMITTED", ["input", "fundingBodyCode"]],
      ]);
    });

    it("refuses an email or subject already in use, whatever the case", async () => {
      const admin = await anAdmin(api.db);
      const existing = await aUser(api.db, { email: "carol@example.org", subject: "idp|carol" });
      const byEmail = await api.data<{ createUser: { userErrors: { code: string; field: string[] }[] } }>(
        CREATE_USER,
        { input: { email: "CAROL@example.org", displayName: "C", roles: ["BROKER"] } },
        { as: admin },
      );
      expect(byEmail.createUser.userErrors).toEqual([
        { code: "ALREADY_EXISTS", message: `A user with email ${existing.email} already exists.`, field: ["input", "email"] },
      ]);
      const bySubject = await api.data<{ createUser: { userErrors: { code: string; field: string[] }[] } }>(
        CREATE_USER,
        { input: { email: "other@example.org", displayName: "C", roles: ["BROKER"], subject: "idp|carol" } },
        { as: admin },
      );
      expect(bySubject.createUser.userErrors.map((e) => [e.code, e.field])).toEqual([["ALREADY_EXISTS", ["input", "subject"]]]);
    });

    it("reports unknown links as NOT_FOUND", async () => {
      const admin = await anAdmin(api.db);
      const cases = [
        { providerId: toGlobalId("Provider", "01938f5e-6a4b-7c3d-8e2f-1a2b3c4d5e6f"), roles: ["PROVIDER"], field: "providerId" },
        { providerId: toGlobalId("Listing", "01938f5e-6a4b-7c3d-8e2f-1a2b3c4d5e6f"), roles: ["PROVIDER"], field: "providerId" },
        { fundingBodyCode: "E99999999", roles: ["COMMISSIONER"], field: "fundingBodyCode" },
      ];
      for (const { field, ...link } of cases) {
        const { createUser } = await api.data<{ createUser: { user: null; userErrors: { code: string; field: string[] }[] } }>(
          CREATE_USER,
          { input: { email: `${field}${Math.random()}@example.org`, displayName: "L", ...link } },
          { as: admin },
        );
        expect(createUser.user).toBeNull();
        expect(createUser.userErrors.map((e) => [e.code, e.field])).toEqual([["NOT_FOUND", ["input", field]]]);
      }
    });

    it("refuses malformed input before anything runs", async () => {
      const admin = await anAdmin(api.db);
      const result = await api.execute(CREATE_USER, { input: { email: "not-an-email", displayName: "", roles: [] } }, { as: admin });
      expect(result.data).toBeNull();
      expect(result.errors).toEqual([
        expect.objectContaining({
          message:
            "Invalid input: email must be an email address; displayName must be longer than or equal to 1 characters; roles must contain at least 1 elements.",
          extensions: expect.objectContaining({ code: "BAD_USER_INPUT" }),
        }),
      ]);
    });

    it("is for admins and commissioners only", async () => {
      const input = { email: "x@example.org", displayName: "X", roles: ["CLIENT"] };
      for (const roles of [[Role.CLIENT], [Role.PROVIDER], [Role.BROKER]]) {
        const result = await api.execute(CREATE_USER, { input }, { as: await aUser(api.db, { roles }) });
        expect(result.errors?.map((e) => e.extensions?.code)).toEqual(["FORBIDDEN"]);
      }
      const anonymous = await api.execute(CREATE_USER, { input });
      expect(anonymous.errors?.map((e) => e.extensions?.code)).toEqual(["UNAUTHENTICATED"]);
    });
  });

  describe("users as nodes", () => {
    it("are visible to themselves and admins only", async () => {
      const carol = await aUser(api.db);
      const other = await aUser(api.db);
      const query = "query ($id: ID!) { node(id: $id) { id ... on User { email } } }";
      const id = toGlobalId("User", carol.id);
      expect((await api.data(query, { id }, { as: carol })).node).toEqual({ id, email: carol.email });
      expect((await api.data(query, { id }, { as: await anAdmin(api.db) })).node).toEqual({ id, email: carol.email });
      expect((await api.data(query, { id }, { as: other })).node).toBeNull();
      expect((await api.data(query, { id })).node).toBeNull();
    });
  });
});
