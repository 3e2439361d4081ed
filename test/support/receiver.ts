/** A real HTTP receiver for webhook tests: records every POST, answers the statuses it is told to (then 200). */
import { createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  path: string;
}

export class Receiver {
  readonly received: Received[] = [];
  /** Statuses to answer next, in order; 200 once they run out. */
  answers: number[] = [];
  private server: Server | null = null;
  url = "";

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
      req.on("end", () => {
        this.received.push({ headers: req.headers, body, path: req.url ?? "" });
        res.statusCode = this.answers.shift() ?? 200;
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const address = this.server.address() as { port: number };
    this.url = `http://127.0.0.1:${address.port}`;
  }

  reset(): void {
    this.received.length = 0;
    this.answers = [];
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** Standard Webhooks verification, written apart from the server's code: true when some `v1,` signature matches. */
export function verifies(secret: string, received: Received): boolean {
  const id = String(received.headers["webhook-id"]);
  const timestamp = String(received.headers["webhook-timestamp"]);
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${received.body}`).digest("base64");
  return String(received.headers["webhook-signature"])
    .split(" ")
    .some((s) => s === `v1,${expected}`);
}
