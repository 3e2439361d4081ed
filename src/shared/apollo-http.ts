/**
 * Apollo Server behind Express, as @as-integrations/express5 does it, but answering with one
 * `res.end(string)` (tuning `http`): Express's `res.send` hashes every body for an ETag nobody
 * revalidates a POST with, and hands Node a Buffer that goes out as a second write after the
 * headers; a string goes out with them in one.
 */
import { HeaderMap, type ApolloServer, type BaseContext, type ContextFunction } from "@apollo/server";
import type { Request, RequestHandler, Response } from "express";

export function apolloHandler<C extends BaseContext>(server: ApolloServer<C>, context: ContextFunction<[{ req: Request; res: Response }], C>): RequestHandler {
  return async (req, res) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    const query = req.url.indexOf("?");
    const response = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method.toUpperCase(), headers, search: query < 0 ? "" : req.url.slice(query), body: req.body as unknown },
      context: () => context({ req, res }),
    });
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.statusCode = response.status ?? 200;
    if (response.body.kind === "complete") {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}
