import { GraphQLError } from "graphql";
import { QueryFailedError, QueryRunnerAlreadyReleasedError } from "typeorm";
import { connectionFailureReason, isConnectionError } from "../../src/shared/connection-errors";
import { isServiceUnavailable, serviceUnavailable } from "../../src/shared/errors";

const pgError = (code: string, message = "pg error") => Object.assign(new Error(message), { code });
const errno = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:5432`), { code, errno: -111, syscall: "connect" });

describe("connection errors", () => {
  it.each([
    ["the server shutting down (57P01)", pgError("57P01", "terminating connection due to administrator command")],
    ["a crash of another backend (57P02)", pgError("57P02")],
    ["a server still starting (57P03)", pgError("57P03", "the database system is starting up")],
    ["too many connections (53300)", pgError("53300")],
    ["a connection exception (08006)", pgError("08006")],
    ["a refused connection", errno("ECONNREFUSED")],
    ["a reset connection", errno("ECONNRESET")],
    ["a lost connection", new Error("Connection terminated unexpectedly")],
    ["a pool that waited too long", new Error("timeout exceeded when trying to connect")],
    ["a connection that timed out", new Error("Connection terminated due to connection timeout", { cause: new Error("x") })],
    ["every address refused", new AggregateError([errno("ECONNREFUSED"), errno("ECONNREFUSED")], "")],
    ["a failed query of a lost connection", new QueryFailedError("SELECT 1", [], new Error("Connection terminated unexpectedly"))],
    ["a transaction whose connection was released when it failed", new QueryRunnerAlreadyReleasedError()],
  ])("include %s", (_what, error) => {
    expect(isConnectionError(error)).toBe(true);
    expect(isServiceUnavailable(new GraphQLError("wrapped", { originalError: error }))).toBe(true);
  });

  it.each([
    ["a unique violation", new QueryFailedError("INSERT", [], pgError("23505"))],
    ["a syntax error", pgError("42601")],
    ["a wrong password", pgError("28P01")],
    ["a bug", new TypeError("undefined is not a function")],
    ["nothing", undefined],
  ])("exclude %s", (_what, error) => {
    expect(isConnectionError(error)).toBe(false);
    expect(isServiceUnavailable(error)).toBe(false);
  });

  it("answer 503 with Retry-After, as SERVICE_UNAVAILABLE", () => {
    const error = serviceUnavailable();
    expect(error.extensions).toMatchObject({ code: "SERVICE_UNAVAILABLE", http: { status: 503 } });
    expect((error.extensions.http as { headers: Map<string, string> }).headers.get("retry-after")).toBe("5");
    expect(isServiceUnavailable(error)).toBe(true);
  });

  it("say why in one line, also when every address failed", () => {
    expect(connectionFailureReason(new AggregateError([errno("ECONNREFUSED")], ""))).toBe("connect ECONNREFUSED 127.0.0.1:5432");
  });
});
