/**
 * Holding a request at a known point: a test takes a row lock the request will need, finds the
 * backend waiting on it (by the lock, not by timing), acts, then lets go.
 *
 * pg_stat_activity is a snapshot taken at a transaction's first look and kept until it ends, so
 * every look here is a statement of its own on a connection that never opens a transaction.
 */
import { Client } from "pg";
import { workerDatabaseUrl } from "./db";

export interface TestConnection {
  client: Client;
  pid: number;
  end(): Promise<void>;
}

/** A connection of the test's own, outside the app's pool. */
export async function aConnection(): Promise<TestConnection> {
  const client = new Client({ connectionString: await workerDatabaseUrl(), application_name: "test-lock-probe" });
  await client.connect();
  const [{ pid }] = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows;
  return { client, pid, end: () => client.end() };
}

export interface Waiter {
  pid: number;
  query: string;
}

/** The backends waiting on a lock that `holderPid` holds, and the statement each is stuck in. */
export async function waitersOn(monitor: TestConnection, holderPid: number): Promise<Waiter[]> {
  const { rows } = await monitor.client.query<Waiter>("SELECT pid, query FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid)) ORDER BY pid", [
    holderPid,
  ]);
  return rows;
}

/**
 * Looks again until `look` answers. The deadline bounds only a failure (a request that never
 * reaches the lock is a defect); a passing run never waits on a timer.
 */
export async function eventually<T>(what: string, look: () => Promise<T | null | undefined>, deadlineMs = 30_000): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const found = await look();
    if (found !== null && found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`gave up after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The one backend waiting on `holderPid`'s lock. */
export async function theWaiterOn(monitor: TestConnection, holderPid: number, what: string): Promise<Waiter> {
  return eventually(what, async () => {
    const waiters = await waitersOn(monitor, holderPid);
    if (waiters.length > 1) throw new Error(`expected one backend waiting for ${what}, found ${JSON.stringify(waiters)}`);
    return waiters[0];
  });
}
