/**
 * `npm run bench:balanced -- --processes=2` (issue #16, item 2): the API as several processes
 * behind a real load balancer. HAProxy (Debian's `haproxy`, started here with a config of its
 * own) spreads requests over N API processes (default: one per core), each NODE_ENV=production,
 * pool 10, over the bench's seeded database (`npm run bench`'s, reused with BENCH_REUSE=1).
 *
 * 1. Throughput: the search at BENCH_CONNECTIONS (40) through HAProxy with 1, 2, … N processes
 *    behind it, BENCH_SECONDS (10) each after a warm-up: requests/s, p99, errors.
 * 2. A rolling restart under that load: each process in turn gets SIGTERM, drains (DRAIN_SECONDS=4:
 *    /readyz at 503 while it still answers, so HAProxy's health check takes it out), exits, and a
 *    new one starts on its port; the load runs throughout. Goal: 0 failed requests.
 * Figures go to bench/results/balanced-<time>.json.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { cpus, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { bodies } from "./queries";
import { benchPostgres, buildForBench, seed, start, stopChild, type Target } from "./run";

const args = process.argv.slice(2);
const PROCESSES = Number(args.find((a) => a.startsWith("--processes="))?.split("=")[1] ?? cpus().length);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 40);
const ROOT = path.join(__dirname, "..");
/**
 * HAProxy checks /readyz this often and takes a process out after CHECK_FALLS failures in a row:
 * a draining process answers 503 at once, so it is out within about a second, inside DRAIN_SECONDS.
 * A busy process's check waits for a pooled connection (SELECT 1): it has up to 5 s.
 */
const CHECK_INTERVAL_MS = 250;
const CHECK_FALLS = 3;
const DRAIN_SECONDS = 4;

interface Backend {
  port: number;
  child: ChildProcess;
  target: Target;
}

interface Throughput {
  processes: number;
  requestsPerSecond: number;
  p99: number;
  errors: number;
  loadAverage: number[];
}

async function main(): Promise<void> {
  const server = await benchPostgres();
  const children: ChildProcess[] = [];
  try {
    buildForBench();
    const { url } = await seed(server.url);
    const backends: Backend[] = [];
    for (let i = 0; i < PROCESSES; i++) backends.push(await backend(`API ${i + 1}`, 21000 + i, url, children));
    const requests = bodies("search", "api", []).map((body) => ({ method: "POST" as const, headers: { "content-type": "application/json" }, body }));

    const throughput: Throughput[] = [];
    for (let n = 1; n <= PROCESSES; n++) {
      const balancer = await haproxy(backends.slice(0, n), children);
      await autocannon({ url: `${balancer}/graphql`, connections: CONNECTIONS, duration: 2, requests }); // warm-up
      const loadAverage = loadavg().map((l) => Math.round(l * 100) / 100);
      const result = await autocannon({ url: `${balancer}/graphql`, connections: CONNECTIONS, duration: SECONDS, requests });
      throughput.push({
        processes: n,
        requestsPerSecond: Math.round(result.requests.average),
        p99: result.latency.p99,
        errors: result.errors + result.non2xx,
        loadAverage,
      });
      console.log(
        `${n} process(es) behind HAProxy: ${throughput[n - 1].requestsPerSecond} requests/s, p99 ${result.latency.p99} ms, ${throughput[n - 1].errors} errors (load ${loadAverage.join(" ")})`,
      );
      await stopChild(children.pop()!);
    }

    const restart = await rollingRestart(backends, url, children, requests);
    console.log(
      `rolling restart of ${PROCESSES} processes under load: ${restart.requests} requests, ${restart.failed} failed (${restart.errors} connection errors, ${restart.non2xx} non-2xx), ${restart.seconds} s`,
    );
    const results = { cores: cpus().length, connections: CONNECTIONS, seconds: SECONDS, throughput, restart };
    await mkdir(path.join(ROOT, "bench", "results"), { recursive: true });
    await writeFile(path.join(ROOT, "bench", "results", `balanced-${new Date().toISOString().replace(/[:.]/g, "-")}.json`), JSON.stringify(results, null, 2));
    if (restart.failed > 0) process.exitCode = 1;
  } finally {
    await Promise.all(children.map(stopChild));
    await server.stop();
  }
}

async function backend(name: string, port: number, url: string, children: ChildProcess[]): Promise<Backend> {
  const target = await start(name, "api", ["src/server.ts"], url, children, "/readyz", { PORT: String(port), DRAIN_SECONDS: String(DRAIN_SECONDS) });
  return { port, target, child: children.find((c) => c.pid === target.pid)! };
}

/** Starts HAProxy in the foreground over the backends; returns its URL once a request through it succeeds. */
async function haproxy(backends: Backend[], children: ChildProcess[]): Promise<string> {
  const port = 20000 + Math.floor(Math.random() * 1000);
  const config = [
    "global",
    "  maxconn 4096",
    "defaults",
    "  mode http",
    "  timeout connect 2s",
    "  timeout client 30s",
    "  timeout server 30s",
    "  timeout check 5s",
    // A connection refused (a process gone between two checks) is retried on another process: nothing was sent.
    "  retries 3",
    "  option redispatch 1",
    "  retry-on conn-failure",
    "frontend api",
    `  bind 127.0.0.1:${port}`,
    "  default_backend api",
    "backend api",
    "  balance leastconn",
    "  option httpchk GET /readyz",
    `  default-server inter ${CHECK_INTERVAL_MS}ms fall ${CHECK_FALLS} rise 2`,
    ...backends.map((b, i) => `  server api${i + 1} 127.0.0.1:${b.port} check`),
    "",
  ].join("\n");
  const file = path.join(await mkdtemp(path.join(tmpdir(), "market-haproxy-")), "haproxy.cfg");
  await writeFile(file, config);
  const child = spawn("haproxy", ["-db", "-f", file], { stdio: ["ignore", "ignore", "inherit"] });
  child.once("error", (error) => console.error(`haproxy could not start (apt-get install haproxy): ${error.message}`));
  children.push(child);
  const balancer = `http://127.0.0.1:${port}`;
  for (let attempt = 0; attempt < 100; attempt++) {
    await sleep(100);
    if (child.exitCode !== null) throw new Error(`haproxy exited with code ${child.exitCode}`);
    if (
      await fetch(`${balancer}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return balancer;
  }
  throw new Error("haproxy did not start");
}

/** Restarts each backend in turn (SIGTERM, exit, a new process on its port, healthy again) while the search runs through HAProxy. */
async function rollingRestart(backends: Backend[], url: string, children: ChildProcess[], requests: autocannon.Request[]) {
  const balancer = await haproxy(backends, children);
  const began = Date.now();
  let instance: autocannon.Instance | undefined;
  const running = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ url: `${balancer}/graphql`, connections: CONNECTIONS, duration: 3_600, requests }, (error, result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result),
    );
  });
  await sleep(2_000);
  for (const [i, old] of backends.entries()) {
    await stopChild(old.child);
    children.splice(children.indexOf(old.child), 1);
    backends[i] = await backend(`API ${i + 1} (restarted)`, old.port, url, children);
    await sleep(CHECK_INTERVAL_MS * 4); // HAProxy sees it healthy (rise 2) before the next one goes
  }
  await sleep(2_000);
  instance!.stop();
  const result = await running;
  return {
    requests: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
    failed: result.errors + result.non2xx,
    seconds: Math.round((Date.now() - began) / 100) / 10,
  };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
