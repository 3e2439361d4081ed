/**
 * A real API process: `src/server.ts` run by Node in a child process of its own (its own event
 * loop, pool and memory), listening on a port the kernel picks, over a database the test names.
 * The scale-out tests run two of these over one database (issue 16).
 *
 * The source is transpiled once per test process (as ts-node's transpile-only would, file by file)
 * and every child runs the JavaScript: two children compiling the whole source each took most of
 * a minute on a loaded two-core machine.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import ts from "typescript";
import { SERVICE_UNAVAILABLE } from "../../src/shared/errors";
import { TEST_JWT_SECRET, type GraphQLResponse } from "./api";

const ROOT = path.resolve(__dirname, "../..");
/** Under node_modules, so that the compiled files find the packages as the source does. */
const BUILD = path.join(ROOT, "node_modules", ".cache", "market-api-process", String(process.pid));
const SOURCES = ["src", "migrations", "ormconfig.ts"];
/** Generous: a loaded two-core machine (other suites running) starts a server slowly. */
const START_DEADLINE_MS = 90_000;
const RETRIES_WHEN_UNAVAILABLE = 5;

export interface ApiProcess {
  url: string;
  pid: number;
  /** POSTs an operation with a bearer token; a 503 (the pool gave up waiting: nothing was done) is retried as a client would. */
  post<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>, token: string): Promise<GraphQLResponse<T>>;
  /** SIGTERM, and waits for the exit (the server drains and ends its pool). */
  stop(): Promise<void>;
}

export async function startApiProcess(databaseUrl: string, env: Record<string, string> = {}): Promise<ApiProcess> {
  const server = await (built ??= build());
  const child = spawn(process.execPath, [server], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: "test",
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      HOST: "127.0.0.1",
      PORT: "0",
      LOG_LEVEL: "info", // the "serving" line carries the port
      DEMO_DATA: "false",
      PLANNER_WORKERS: "0",
      DATABASE_POOL_SIZE: "10",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => void (stderr = (stderr + chunk.toString()).slice(-4_000)));
  const url = await serving(child, () => stderr);
  const post = async <T>(query: string, variables: Record<string, unknown>, token: string): Promise<GraphQLResponse<T>> => {
    for (let attempt = 1; ; attempt++) {
      const response = await fetch(`${url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as GraphQLResponse<T>;
      const unavailable = body.errors?.length && body.errors.every((e) => e.extensions?.code === SERVICE_UNAVAILABLE);
      if (!unavailable || attempt === RETRIES_WHEN_UNAVAILABLE) return body;
    }
  };
  return { url, pid: child.pid!, post, stop: () => stopped(child) };
}

let built: Promise<string> | undefined;

/** Transpiles the server's sources into BUILD; returns the entry point. */
async function build(): Promise<string> {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    esModuleInterop: true,
    isolatedModules: true,
  };
  await rm(BUILD, { recursive: true, force: true });
  for (const file of (await Promise.all(SOURCES.map(typescriptFiles))).flat()) {
    const { outputText } = ts.transpileModule(await readFile(path.join(ROOT, file), "utf8"), { fileName: file, compilerOptions: options });
    const target = path.join(BUILD, file.replace(/\.ts$/, ".js"));
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, outputText);
  }
  return path.join(BUILD, "src", "server.js");
}

async function typescriptFiles(entry: string): Promise<string[]> {
  if (entry.endsWith(".ts")) return [entry];
  const found = await readdir(path.join(ROOT, entry), { recursive: true });
  return found.filter((f) => f.endsWith(".ts")).map((f) => path.join(entry, f));
}

/** Removes what build() wrote (afterAll). */
export async function removeBuild(): Promise<void> {
  built = undefined;
  await rm(BUILD, { recursive: true, force: true });
}

/** The URL from the server's "serving" log line; rejects with its stderr if it exits or takes too long. */
function serving(child: ChildProcess, stderr: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(new Error(`The API process ${why}.\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`did not serve within ${START_DEADLINE_MS / 1000} s`), START_DEADLINE_MS);
    const exited = (code: number | null) => fail(`exited (${code}) before serving`);
    child.once("exit", exited);
    lines.on("line", (line) => {
      const event = parsed(line);
      if (event?.message !== "serving" || typeof event.url !== "string") return;
      clearTimeout(timer);
      child.off("exit", exited);
      lines.removeAllListeners("line");
      child.stdout!.resume(); // keep draining whatever it logs later
      resolve(event.url.replace("/graphql", "").replace("localhost", "127.0.0.1"));
    });
  });
}

function parsed(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
