/**
 * A graphql-ws client for the subscription tests: connects with a bearer token in
 * `connection_init` and reads events one at a time, each with a generous deadline (never a sleep).
 */
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";

export interface LiveEvent {
  id: string;
  type: string;
  occurredAt: string;
  data: Record<string, unknown>;
}

/** Resolves once the server accepted `connection_init`; rejects with the close event when it refused it. */
export function connect(httpUrl: string, authorization?: string): Promise<Client> {
  return new Promise((resolve, reject) => {
    const client: Client = createClient({
      url: `${httpUrl.replace(/^http/, "ws")}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      connectionParams: authorization === undefined ? {} : { authorization },
      onNonLazyError: (error) => {
        void client.dispose();
        reject(error instanceof Error ? error : new Error(JSON.stringify({ code: (error as { code?: number }).code })));
      },
      on: { connected: () => resolve(client) },
    });
  });
}

export interface Inbox {
  /** The next event, or the subscription's errors, within `ms`. */
  next(ms?: number): Promise<LiveEvent>;
  stop(): Promise<void>;
}

export function subscribe(client: Client, query: string, variables: Record<string, unknown> = {}): Inbox {
  const iterator = client.iterate<{ events: LiveEvent }>({ query, variables });
  return {
    async next(ms = 30_000) {
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms);
      });
      try {
        const result = await Promise.race([iterator.next(), deadline]);
        if (result.done) throw new Error("the subscription ended");
        if (result.value.errors?.length) throw new Error(JSON.stringify(result.value.errors));
        return result.value.data!.events;
      } finally {
        clearTimeout(timer);
      }
    },
    async stop() {
      await iterator.return?.();
    },
  };
}

/** The errors a refused subscription answers with (graphql-ws `error` message). */
export async function refusal(client: Client, query: string): Promise<string[]> {
  try {
    await subscribe(client, query).next(10_000);
  } catch (error) {
    if (Array.isArray(error)) return error.map((e: { message: string }) => e.message);
    throw error;
  }
  throw new Error("the subscription was not refused");
}
