/**
 * Two projects: `unit` (pure logic, no database, milliseconds) and `api` (GraphQL against real
 * PostgreSQL: DATABASE_URL's server, or an embedded one started by test/global-setup.ts).
 * ts-jest only transpiles (isolatedModules); `npm run typecheck` type-checks.
 */
const transform = { "^.+\\.ts$": ["ts-jest", {}] };

module.exports = {
  projects: [
    {
      displayName: "unit",
      testEnvironment: "node",
      transform,
      setupFiles: ["<rootDir>/test/setup.ts"],
      testMatch: ["<rootDir>/test/unit/**/*.test.ts", "<rootDir>/test/schema.test.ts"],
    },
    {
      displayName: "api",
      testEnvironment: "node",
      transform,
      setupFiles: ["<rootDir>/test/setup.ts"],
      globalSetup: "<rootDir>/test/global-setup.ts",
      globalTeardown: "<rootDir>/test/global-teardown.ts",
      testMatch: ["<rootDir>/test/api/**/*.test.ts", "<rootDir>/test/migrations.test.ts"],
      slowTestThreshold: 15,
    },
  ],
  testTimeout: 60_000,
};
