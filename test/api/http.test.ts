/**
 * The HTTP layer, through a listening server: bearer tokens, health, error shapes. Bad tokens
 * are refused before any resolver runs.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { createApp } from "../../src/app";
import { ProviderEntity } from "../../src/modules/providers/provider.entity";
import { TEST_JWT_SECRET, testConfig, useApi } from "../support/api";
import { workerDatabaseUrl } from "../support/db";
import { aUser } from "../support/factories";

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as { data?: Record<string, unknown> | null; errors?: { message: string; extensions: Record<string, unknown> }[] },
  };
}

const hs256 = (claims: Record<string, unknown>, secret = TEST_JWT_SECRET) =>
  new SignJWT(claims).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(secret));
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe("HTTP", () => {
  const api = useApi();
  let url: string;
  beforeAll(async () => {
    url = await listen(api.app.http);
  });

  describe("bearer tokens", () => {
    it("sign the user in", async () => {
      const user = await aUser(api.db);
      const token = await api.app.services.tokens.issue(user.subject);
      const { status, body } = await post(url, { query: "{ viewer { email } }" }, { authorization: `Bearer ${token}` });
      expect({ status, body }).toEqual({ status: 200, body: { data: { viewer: { email: user.email } } } });
    });

    const REGISTER = { query: 'mutation { registerProvider(input: { name: "Sneaky", kind: BUSINESS }) { provider { id } } }' };

    it.each([
      [
        "an expired token",
        async () => hs256({ sub: "carol@example.org", exp: Math.floor(Date.now() / 1000) - 120 }),
        "The bearer token has expired. Sign in again.",
      ],
      [
        "a token with a forged signature",
        async () => hs256({ sub: "carol@example.org", exp: inAnHour() }, "another-secret-another-secret-0123456789"),
        "The bearer token is not valid. Sign in again.",
      ],
      ["a token without expiry", async () => hs256({ sub: "carol@example.org" }), "The bearer token is not valid. Sign in again."],
      [
        "an unsigned token (alg none)",
        async () =>
          `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from(JSON.stringify({ sub: "carol@example.org", exp: inAnHour() })).toString("base64url")}.`,
        "Tokens signed with none are not accepted.",
      ],
      [
        "a token for nobody known",
        async () => hs256({ sub: "stranger@example.org", exp: inAnHour() }),
        "The bearer token names no user of this marketplace, and carries no verified email to join with.",
      ],
      ["a token that is not a JWT", async () => "abc.def", "The bearer token is not a JWT."],
      [
        "a token issued ten years ahead",
        async () => hs256({ sub: "carol@example.org", iat: Math.floor(Date.now() / 1000) + 10 * 365 * 86_400, exp: inAnHour() + 10 * 365 * 86_400 }),
        "The bearer token was issued in the future. Check the issuer's clock.",
      ],
      [
        "a token that never expires in practice (exp: 1e20)",
        async () => hs256({ sub: "carol@example.org", exp: 1e20 }),
        "The bearer token lives longer than the 24 hours allowed. Sign in again.",
      ],
      [
        "a token living 25 hours",
        async () => hs256({ sub: "carol@example.org", iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 25 * 3600 }),
        "The bearer token lives longer than the 24 hours allowed. Sign in again.",
      ],
    ])("refuse %s as UNAUTHENTICATED, before any resolver runs", async (_what, makeToken, message) => {
      await aUser(api.db, { email: "carol@example.org" });
      const { status, body } = await post(url, REGISTER, { authorization: `Bearer ${await makeToken()}` });
      expect({ status, body }).toEqual({ status: 401, body: { errors: [{ message, extensions: { code: "UNAUTHENTICATED" } }] } });
      expect(await api.db.getRepository(ProviderEntity).count()).toBe(0);
    });

    it("must come as `Bearer <token>`", async () => {
      const { status, body } = await post(url, { query: "{ viewer { id } }" }, { authorization: "Token abc" });
      expect(status).toBe(401);
      expect(body.errors?.[0].message).toBe("Send the token as `Authorization: Bearer <token>`.");
    });

    it("may come from an identity provider's keys (RS256, JWKS_URL)", async () => {
      const { publicKey, privateKey } = await generateKeyPair("RS256");
      const jwks = createServer((_req, res) => {
        void exportJWK(publicKey).then((jwk) => res.end(JSON.stringify({ keys: [{ ...jwk, alg: "RS256", kid: "k1" }] })));
      });
      const jwksUrl = `${await listen(jwks)}/jwks.json`;
      const app = await createApp(testConfig({ JWKS_URL: jwksUrl, JWT_ISSUER: "https://idp.example.org" }), { databaseUrl: await workerDatabaseUrl() });
      try {
        const appUrl = await listen(app.http);
        const user = await aUser(api.db, { subject: "idp|4242" });
        const sign = (issuer: string) =>
          new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "k1" }).setSubject("idp|4242").setIssuer(issuer).setExpirationTime("1h").sign(privateKey);
        const ok = await post(appUrl, { query: "{ viewer { email } }" }, { authorization: `Bearer ${await sign("https://idp.example.org")}` });
        expect(ok.body).toEqual({ data: { viewer: { email: user.email } } });
        const wrongIssuer = await post(appUrl, { query: "{ viewer { email } }" }, { authorization: `Bearer ${await sign("https://evil.example.org")}` });
        expect(wrongIssuer.status).toBe(401);
      } finally {
        await app.stop();
        jwks.close();
      }
    });
  });

  it("answers liveness and readiness", async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${url}/readyz`)).json()).toEqual({ status: "ready" });
  });

  it("answers a malformed body and an unknown path in GraphQL's error shape", async () => {
    expect(await post(url, "{ not json")).toEqual({
      status: 400,
      body: { errors: [{ message: "The request body is not valid JSON.", extensions: { code: "BAD_REQUEST" } }] },
    });
    const encoded = await fetch(`${url}/graphql`, { method: "POST", headers: { "content-type": "application/json", "content-encoding": "br2" }, body: "{}" });
    expect({ status: encoded.status, body: await encoded.json() }).toEqual({
      status: 415,
      body: {
        errors: [{ message: "Send the body as JSON in UTF-8 (content-type: application/json), uncompressed or gzip.", extensions: { code: "BAD_REQUEST" } }],
      },
    });
    const missing = await fetch(`${url}/nowhere`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ errors: [{ message: "Not found. The API is at /graphql.", extensions: { code: "NOT_FOUND" } }] });
  });

  it("refuses queries over the limits with a message that says which", async () => {
    const aliases = Array.from({ length: 31 }, (_, i) => `a${i}: serviceCategories { code }`).join(" ");
    const { status, body } = await post(url, { query: `query Many { ${aliases} }` });
    expect(status).toBe(400);
    expect(body.errors).toEqual([{ message: "Many uses 31 aliases; the limit is 30.", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }]);
  });

  it("refuses a document nested too deep for the parser before parsing it, by POST and by GET", async () => {
    const deep = `{ ${"listings { nodes { provider { ".repeat(2_000)}name${" } } }".repeat(2_000)} }`;
    const expected = {
      status: 400,
      body: {
        errors: [
          { message: "The document nests brackets more than 256 deep. Split it into smaller queries.", extensions: { code: "GRAPHQL_VALIDATION_FAILED" } },
        ],
      },
    };
    expect(await post(url, { query: deep })).toEqual(expected);
    const justTooDeep = `${"{ a ".repeat(257)}${"}".repeat(257)}`;
    const viaGet = await fetch(`${url}/graphql?query=${encodeURIComponent(justTooDeep)}`, { headers: { "apollo-require-preflight": "true" } });
    expect({ status: viaGet.status, body: await viaGet.json() }).toEqual(expected);
  });

  describe("CORS", () => {
    const APP = "https://app.example.org";
    let corsUrl: string;
    let stopCorsApp: () => Promise<void>;
    beforeAll(async () => {
      const app = await createApp(testConfig({ CORS_ORIGINS: `${APP}, http://localhost:5173` }), { databaseUrl: await workerDatabaseUrl() });
      corsUrl = await listen(app.http);
      stopCorsApp = () => app.stop();
    });
    afterAll(() => stopCorsApp());
    const preflight = (origin: string) =>
      fetch(`${corsUrl}/graphql`, {
        method: "OPTIONS",
        headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" },
      });

    it("answer a preflight from a listed origin, and refuse one from any other", async () => {
      const allowed = await preflight(APP);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get("access-control-allow-origin")).toBe(APP);
      expect(allowed.headers.get("access-control-allow-methods")).toBe("GET, POST, OPTIONS");
      expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
      expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();
      const refused = await preflight("https://evil.example.org");
      expect(refused.status).toBe(403);
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("let a listed origin read answers, and no other", async () => {
      const ask = (origin: string) =>
        fetch(`${corsUrl}/graphql`, {
          method: "POST",
          headers: { origin, "content-type": "application/json" },
          body: JSON.stringify({ query: "{ __typename }" }),
        });
      expect((await ask(APP)).headers.get("access-control-allow-origin")).toBe(APP);
      expect((await ask("https://evil.example.org")).headers.get("access-control-allow-origin")).toBeNull();
    });

    it("keep the CSRF protection: a simple cross-site GET without the preflight header is refused", async () => {
      const response = await fetch(`${corsUrl}/graphql?query=${encodeURIComponent("{ __typename }")}`, { headers: { origin: APP } });
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("CSRF");
    });

    it("allow no origin at all by default", async () => {
      const response = await fetch(`${url}/graphql`, { method: "OPTIONS", headers: { origin: APP, "access-control-request-method": "POST" } });
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
    });
  });

  describe("in production", () => {
    const misspelt = [
      { query: "{ listngs { nodes { id } } }" },
      { query: "{ listings(filter: { settings: [HOM] }) { nodes { id } } }" },
      { query: "query($s: [ListingSetting!]) { listings(filter: { settings: $s }) { nodes { id } } }", variables: { s: ["HOM"] } },
      { query: "{ listings(filter: { setings: [HOME] }) { nodes { id } } }" },
    ];
    const messagesFrom = async (appUrl: string) =>
      (await Promise.all(misspelt.map((body) => post(appUrl, body)))).flatMap(({ body }) => body.errors?.map((e) => e.message) ?? []);

    it('give no schema hints: no "Did you mean …" anywhere, while development keeps them', async () => {
      expect((await messagesFrom(url)).filter((m) => m.includes("Did you mean"))).toHaveLength(misspelt.length);
      const app = await createApp(testConfig({ NODE_ENV: "production", DATABASE_URL: await workerDatabaseUrl() }), { databaseUrl: await workerDatabaseUrl() });
      try {
        const messages = await messagesFrom(await listen(app.http));
        expect(messages).toHaveLength(misspelt.length);
        expect(messages.join("\n")).not.toMatch(/Did you mean|listings|HOME|settings/);
      } finally {
        await app.stop();
      }
    });
  });

  it.each([
    [
      "one field repeated 4,900 times (the audit's 54 KB document)",
      `{ ${"viewer { id } ".repeat(4_900)}}`,
      "The document makes more than 1000 selections. Split it into smaller queries.",
    ],
    ["one field repeated 9 times", `{ ${"viewer { id } ".repeat(9)}}`, 'The document selects "viewer" 9 times in one place. Select each field once.'],
    [
      "one field repeated through 50 fragments",
      `{ ${Array.from({ length: 50 }, (_, i) => `...F${i}`).join(" ")} } ${Array.from({ length: 50 }, (_, i) => `fragment F${i} on Query { viewer { id } }`).join(" ")}`,
      'The document selects "viewer" 9 times in one place. Select each field once.',
    ],
    [
      "2,000 distinct aliases",
      `{ ${Array.from({ length: 2_000 }, (_, i) => `a${i}: viewer { id }`).join(" ")} }`,
      "The document makes more than 1000 selections. Split it into smaller queries.",
    ],
  ])("refuses a document whose validation would be quadratic before validating it: %s", async (_what, query, message) => {
    const { status, body } = await post(url, { query });
    expect({ status, body }).toEqual({ status: 400, body: { errors: [{ message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] } });
  });

  it("refuses a subscription over HTTP POST, pointing to the WebSocket, instead of failing inside", async () => {
    for (const query of ["subscription { events { id } }", "subscription Live($t: [EventType!]) { events(types: $t) { type } }"]) {
      const { status, body } = await post(url, { query });
      expect({ status, body }).toEqual({
        status: 400,
        body: {
          errors: [
            {
              message: "Subscriptions are served over WebSocket (graphql-ws protocol) at /graphql, not over HTTP POST.",
              extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
            },
          ],
        },
      });
    }
  });

  it("masks internal failures: a reference to quote, no stack, and not ready while the database is gone", async () => {
    const app = await createApp(testConfig(), { databaseUrl: await workerDatabaseUrl() });
    const appUrl = await listen(app.http);
    await app.db.destroy();
    try {
      const { status, body } = await post(appUrl, { query: "{ listings { edges { node { id } } } }" });
      expect(status).toBe(200);
      expect(body.data).toBeNull();
      expect(body.errors).toEqual([
        {
          message: expect.stringMatching(/^Internal server error\. If it persists, report reference [0-9a-f]{12}\.$/),
          path: ["listings"],
          locations: expect.any(Array),
          extensions: { code: "INTERNAL_SERVER_ERROR", reference: expect.stringMatching(/^[0-9a-f]{12}$/) },
        },
      ]);
      expect(JSON.stringify(body)).not.toMatch(/stack|at \//);
      const ready = await fetch(`${appUrl}/readyz`);
      expect(ready.status).toBe(503);
    } finally {
      await app.stop();
    }
  });
});
