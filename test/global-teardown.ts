import { dropDatabases } from "../src/shared/embedded-postgres";

// Jest requires a default export here.
export default async function globalTeardown(): Promise<void> {
  const { TEST_POSTGRES_URL, TEST_DATABASE_PREFIX } = process.env;
  if (TEST_POSTGRES_URL && TEST_DATABASE_PREFIX) await dropDatabases(TEST_POSTGRES_URL, TEST_DATABASE_PREFIX);
  await globalThis.testPostgres?.stop();
}
