/**
 * GraphQL subscriptions over WebSocket (the graphql-ws protocol) on the API's own HTTP server, at
 * /graphql. The bearer token travels in `connection_init`'s payload (`{ authorization: "Bearer …" }`,
 * as browsers cannot set headers on a WebSocket) and is checked there: a socket without a valid
 * token is closed (4403) before any operation. Every operation passes the same shape check and
 * limits as over HTTP (limits.ts), and only subscriptions are served here.
 */
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import { useServer } from "graphql-ws/use/ws";
import { WebSocketServer } from "ws";
import type { Viewer } from "./auth";
import { costlyShape, queryLimitRules, type QueryLimits } from "./limits";

export interface SubscriptionServerOptions<C> {
  limits: QueryLimits;
  maxTokens: number;
  /** The viewer a bearer header names; throws (or null) when it names none. */
  viewerFor(authorization: string): Promise<Viewer | null>;
  contextFor(viewer: Viewer): C;
  /** Hears a token check that failed for another reason than the token (a lost database). */
  onConnectError?(error: unknown): void;
}

export interface SubscriptionServer {
  /** Closes every socket (1001, going away) and the WebSocket server; again, it does nothing. */
  close(): Promise<void>;
}

const refused = (message: string) => [new GraphQLError(message, { extensions: { code: "GRAPHQL_VALIDATION_FAILED" } })];

export function serveSubscriptions<C>(http: Server, schema: GraphQLSchema, options: SubscriptionServerOptions<C>): SubscriptionServer {
  // noServer: attached to the HTTP server, ws would re-emit its errors (a port in use) as its own,
  // logged with a stack; the server's start reports those itself.
  const wss = new WebSocketServer({ noServer: true });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(request.url ?? "/", "http://localhost").pathname !== "/graphql") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n");
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => wss.emit("connection", ws, request));
  };
  http.on("upgrade", onUpgrade);
  const rules = [...specifiedRules, ...queryLimitRules(options.limits, undefined, "ws")];
  const server = useServer<Record<string, unknown> | undefined, { viewer: Viewer }>(
    {
      schema,
      onConnect: async (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        if (typeof authorization !== "string") return false;
        try {
          const viewer = await options.viewerFor(authorization);
          if (!viewer) return false;
          ctx.extra.viewer = viewer;
          return true;
        } catch (error) {
          if (!(error instanceof GraphQLError)) options.onConnectError?.(error);
          return false;
        }
      },
      onSubscribe: (ctx, _id, payload) => {
        const problem = costlyShape(payload.query, options.maxTokens);
        if (problem) return refused(problem);
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: options.maxTokens });
        } catch (error) {
          return error instanceof GraphQLError ? [error] : refused("The document could not be parsed.");
        }
        const errors = validate(schema, document, rules);
        if (errors.length > 0) return errors;
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: options.contextFor(ctx.extra.viewer!),
        };
      },
    },
    wss,
  );
  let closing: Promise<void> | null = null;
  return {
    close() {
      http.off("upgrade", onUpgrade);
      closing ??= Promise.resolve(server.dispose()); // once: app.stop may be called again
      return closing;
    },
  };
}
