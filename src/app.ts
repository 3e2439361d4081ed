/**
 * The composition root: DataSource → services → schema → Apollo Server → Express. No DI
 * container: every dependency is passed by hand, here, in the order the modules depend on each other.
 * This is the one place that knows every module's services and loaders; src/context.ts knows none.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginDrainHttpServer } from "@apollo/server/plugin/drainHttpServer";
import { ApolloServerPluginLandingPageDisabled } from "@apollo/server/plugin/disabled";
import { ApolloServerPluginLandingPageLocalDefault } from "@apollo/server/plugin/landingPage/default";
import { expressMiddleware } from "@as-integrations/express5";
import express, { type ErrorRequestHandler, type Express, type RequestHandler } from "express";
import { Kind } from "graphql";
import type { DataSource, Logger as TypeOrmLogger } from "typeorm";
import { createDataSource } from "../ormconfig";
import type { Config } from "./config";
import { viewerFromHeader } from "./context";
import type { SchemaContext } from "./modules";
import { createUserLoaders, TokenService, UserService } from "./modules/auth";
import { BookingService, createBookingLoaders, DeliveryPricing, GroupBookingService, VisitService } from "./modules/bookings";
import { createPackageLoaders, PackageService, PlanService, PlanSolverPool } from "./modules/brokers";
import { BudgetService, canActFor, ClientService, createBudgetLoaders, ReviewService } from "./modules/budgets";
import { EventFeed, EventPolicy, EventService, WebhookDispatcher, WebhookService } from "./modules/events";
import { createListingLoaders, ListingService, OpenReferralService, openReferralRouter } from "./modules/listings";
import { createPricingLoaders, ReferenceRateService } from "./modules/pricing";
import { CqcRegisterService, createProviderLoaders, ProviderService, ProviderVerificationService } from "./modules/providers";
import { createQuoteLoaders, QuoteService } from "./modules/quotes";
import { createReferenceLoaders, ReferenceService } from "./modules/reference";
import { createReportLoaders, efficiencyCsv, marketGapsCsv, ReportService } from "./modules/reports";
import { ConfirmationService, createSettlementLoaders, PaymentRunService, PeriodCloseService, remittanceCsv } from "./modules/settlement";
import { createSchema } from "./schema";
import { apolloHandler } from "./shared/apollo-http";
import type { Viewer } from "./shared/auth";
import { cors } from "./shared/cors";
import {
  isServiceUnavailable,
  maskInternalErrors,
  RETRY_AFTER_SECONDS,
  serviceUnavailable,
  serviceUnavailableBody,
  serviceUnavailablePlugin,
} from "./shared/errors";
import { jitGateway } from "./shared/jit";
import { serveSubscriptions } from "./shared/graphql-ws";
import { costlyShape, queryLimitRules } from "./shared/limits";
import { createLogger, type Logger } from "./shared/logger";
import { connectRedis, FallbackStore, MemoryStore, moneyMutationsOf, movesMoney, RateLimiter, RedisStore, type BucketStore } from "./shared/rate-limit";
import { systemClock, type Clock } from "./shared/time";
import { setTuning, tuned } from "./shared/tuning";

/** One request's context: the viewer, every module's services and a fresh set of loaders. */
export type Context = SchemaContext;
export type Services = Context["services"];
export type Loaders = Context["loaders"];

const PARSE_OPTIONS = { maxTokens: 20_000 };

export interface App {
  http: Server;
  express: Express;
  apollo: ApolloServer<Context>;
  db: DataSource;
  services: Services;
  /** The webhook delivery worker: started by server.ts (config.webhooks.worker), driven by hand in tests. */
  dispatcher: WebhookDispatcher;
  logger: Logger;
  /** A request context for `viewer`, as the HTTP layer would build it (tests, scripts). */
  contextFor(viewer: Viewer | null): Context;
  /**
   * The first step of a stop behind a load balancer: /readyz answers 503 and every response
   * closes its connection, while requests are still served, so the balancer sends no more.
   */
  drain(): void;
  stop(): Promise<void>;
}

export interface AppOptions {
  databaseUrl: string;
  /** Sees every SQL statement (the N+1 tests count them). */
  sqlLogger?: TypeOrmLogger;
  /** What "now" is (tests move it). */
  clock?: Clock;
}

export async function createApp(config: Config, { databaseUrl, sqlLogger, clock = systemClock }: AppOptions): Promise<App> {
  const logger = createLogger(config.logLevel);
  const db = createDataSource({ url: databaseUrl, replicaUrls: config.databaseReplicaUrls, poolSize: config.databasePoolSize, logger: sqlLogger });
  await db.initialize();
  setTuning(config.tuning);
  const solverPool = config.plannerWorkers > 0 ? new PlanSolverPool(config.plannerWorkers) : null;
  const services = createServices(db, config, clock, solverPool, { databaseUrl, logger });
  const loadersFor = tuned("lazyLoaders") ? lazyLoaders(db) : () => createLoaders(db);
  const dispatcher = createDispatcher(db, services, config, clock, logger);
  const contextFor = (viewer: Viewer | null): Context => ({ requestId: randomUUID(), viewer, services, loaders: loadersFor() });

  const logUnavailable = (error: unknown) => logger.warn("database unavailable", { reason: error instanceof Error ? error.message : String(error) });
  const app = express();
  const http = createServer(app);
  const production = config.environment === "production";
  const schema = await createSchema();
  const limiter = config.rateLimit.enabled ? new RateLimiter(await bucketStore(config, clock, logger), config.rateLimit) : null;
  const apollo = new ApolloServer<Context>({
    ...(tuned("jit") ? { gateway: jitGateway(schema) } : { schema }),
    validationRules: queryLimitRules(config.limits),
    parseOptions: PARSE_OPTIONS,
    introspection: !production,
    includeStacktraceInErrorResponses: false,
    hideSchemaDetailsFromClientErrors: production,
    formatError: maskInternalErrors(
      (error) => {
        const reference = randomBytes(6).toString("hex");
        logger.error("internal error", { reference, error });
        return reference;
      },
      { hideSuggestions: production, logUnavailable },
    ),
    stopOnTerminationSignals: false,
    plugins: [
      // In-flight requests get 3 s to finish on stop, so that a stop always ends well within 10 s.
      ApolloServerPluginDrainHttpServer({ httpServer: http, stopGracePeriodMillis: 3_000 }),
      serviceUnavailablePlugin,
      ...(limiter ? [moneyLimitPlugin(limiter, moneyMutationsOf(schema))] : []),
      ApolloServerPluginCacheControlDisabled(), // its per-field hook costs time on every field
      production ? ApolloServerPluginLandingPageDisabled() : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
    ],
  });
  await apollo.start();
  await services.feed.start();
  const subscriptions = serveSubscriptions(http, schema, {
    limits: config.limits,
    maxTokens: PARSE_OPTIONS.maxTokens,
    viewerFor: (authorization) => viewerFromHeader(services, authorization),
    contextFor,
    onConnectError: logUnavailable,
  });

  const requestContext = async ({ req }: { req: express.Request }): Promise<Context> => {
    // The address first, before the token is verified, so that a flood costs no signature checks.
    await limiter?.takeAddress(req.ip ?? req.socket.remoteAddress ?? "unknown");
    try {
      const viewer = await viewerFromHeader(services, req.headers.authorization);
      if (viewer) await limiter?.takeViewer(viewer.userId);
      return contextFor(viewer);
    } catch (error) {
      // Apollo answers 500 to any other error from here; a lost database is a 503.
      if (!isServiceUnavailable(error)) throw error;
      logUnavailable(error);
      throw serviceUnavailable();
    }
  };

  app.disable("x-powered-by");
  app.set("trust proxy", config.trustProxy); // req.ip: the socket's address unless TRUST_PROXY names the proxies
  let draining = false;
  app.use((_req, res, next) => {
    if (draining) res.set("connection", "close"); // a kept-alive connection would carry the balancer's next request here
    next();
  });
  // Open to every origin (CORS *), as Open Referral directories are: mounted before the API's allow-list.
  app.use("/openreferral", openReferralRouter(services.openReferral));
  app.use(cors(config.corsOrigins));
  app.get("/healthz", (_req, res) => {
    res.json({ status: "ok" });
  });
  app.get("/readyz", async (_req, res) => {
    if (draining) return void res.status(503).json({ status: "draining", reason: "the process is stopping" });
    try {
      await db.query("SELECT 1");
      res.json({ status: "ready" });
    } catch {
      res.status(503).set("retry-after", String(RETRY_AFTER_SECONDS)).json({ status: "unavailable", reason: "database unreachable" });
    }
  });
  app.get("/reports/efficiency.csv", efficiencyCsv(services));
  app.get("/reports/market-gaps.csv", marketGapsCsv(services));
  app.get("/payments/:paymentRunId.csv", remittanceCsv(services));
  app.use(
    "/graphql",
    express.json({ limit: "1mb" }),
    refuseCostlyShapes(PARSE_OPTIONS.maxTokens),
    tuned("http") ? apolloHandler(apollo, requestContext) : expressMiddleware(apollo, { context: requestContext }),
  );
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: "Not found. The API is at /graphql.", extensions: { code: "NOT_FOUND" } }] });
  });
  app.use(jsonErrors(logger, logUnavailable));

  return {
    http,
    express: app,
    apollo,
    db,
    services,
    dispatcher,
    logger,
    contextFor,
    drain: () => void (draining = true),
    async stop() {
      await dispatcher.stop();
      await subscriptions.close();
      await services.feed.stop();
      await apollo.stop();
      if (http.listening) await new Promise<void>((resolve) => http.close(() => resolve()));
      if (db.isInitialized) await db.destroy(); // a test may have taken the database away already
      await solverPool?.close();
      await limiter?.close();
    },
  };
}

/** Redis when REDIS_URL is set (memory while it cannot answer), else this process's memory. */
async function bucketStore(config: Config, clock: Clock, logger: Logger): Promise<BucketStore> {
  const now = () => clock.now().getTime();
  const memory = new MemoryStore(now);
  if (!config.rateLimit.redisUrl) return memory;
  const { client, ready } = connectRedis(config.rateLimit.redisUrl, logger, config.rateLimit.redisTimeoutMs);
  await ready;
  return new FallbackStore(new RedisStore(client, config.rateLimit.redisPrefix, now), memory, logger);
}

/**
 * The stricter bucket of money-moving mutations, taken once Apollo has resolved which operation
 * will run and before it executes (a refusal here runs no resolver).
 */
function moneyLimitPlugin(limiter: RateLimiter, money: Set<string>): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, contextValue }) {
          const viewer = contextValue.viewer;
          if (!viewer || !operation) return; // every money mutation needs a signed-in viewer; the auth check refuses the rest
          const fragments = Object.fromEntries(document.definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d]] : [])));
          if (movesMoney(operation, fragments, money)) await limiter.takeMoney(viewer.userId);
        },
      };
    },
  };
}

function createServices(
  db: DataSource,
  config: Config,
  clock: Clock,
  solverPool: PlanSolverPool | null,
  live: { databaseUrl: string; logger: Logger },
): Services {
  const reference = new ReferenceService(db);
  const tokens = new TokenService(config.jwt);
  // Lower modules ask higher ones a question or two, late-bound, so that imports stay one-way.
  const users = new UserService(db, tokens, reference, (id) => clients.fundingBodyOf(id), clock);
  const rates = new ReferenceRateService(db, reference, clock);
  const providers: ProviderService = new ProviderService(db, reference, users, (tx, id) => listings.countActiveRegulated(tx, id), clock);
  const events = new EventService(db, reference, rates, clock);
  const webhooks = new WebhookService(db, { allowPrivate: config.webhooks.allowPrivate, production: config.environment === "production" }, clock);
  const cqcRegister: CqcRegisterService = new CqcRegisterService(db, (tx) => listings.deactivateUnregistered(tx), clock);
  const verifications = new ProviderVerificationService(db, cqcRegister, clock);
  const listings: ListingService = new ListingService(db, reference, providers, cqcRegister, events, clock);
  const openReferral = new OpenReferralService(db);
  const clients: ClientService = new ClientService(db, reference, users, providers, clock);
  const budgets = new BudgetService(db, reference, clock);
  const reviews = new ReviewService(db, budgets, clock);
  const bookings: BookingService = new BookingService(db, reference, budgets, rates, listings, providers, events, clock, {
    lock: (tx, bookingId) => packages.lockForApproval(tx, bookingId),
    after: (tx, viewer, booking, decision) => packages.afterApproval(tx, viewer, booking, decision),
  });
  const groupBookings = new GroupBookingService(db, budgets, bookings, listings, providers, clock);
  const visits = new VisitService(db, budgets, events, clock, new DeliveryPricing(reference, rates, listings, budgets));
  const quotes = new QuoteService(db, reference, budgets, providers, listings, bookings, events, clock);
  const packages: PackageService = new PackageService(db, reference, budgets, bookings, listings, clock);
  const plans = new PlanService(reference, budgets, listings, bookings, db, clock, solverPool ? (...args) => solverPool.solve(...args) : undefined);
  const confirmations = new ConfirmationService(db, reference, budgets, bookings, visits, events, clock);
  const paymentRuns = new PaymentRunService(db, reference, events, clock);
  const periodClose = new PeriodCloseService(db, budgets, clock);
  const reports = new ReportService(db, rates, clock, reviews);
  const feed = new EventFeed(db, live.databaseUrl, eventPolicy(budgets, quotes), live.logger);
  return {
    clock,
    reference,
    tokens,
    users,
    rates,
    providers,
    events,
    webhooks,
    feed,
    verifications,
    cqcRegister,
    listings,
    openReferral,
    clients,
    budgets,
    reviews,
    bookings,
    groupBookings,
    visits,
    quotes,
    packages,
    plans,
    confirmations,
    paymentRuns,
    periodClose,
    reports,
  };
}

/**
 * Who hears an event, for webhooks and subscriptions alike, asked of the modules that own the
 * objects (passed in here, as the events module sits below them): budgets' client policy, quotes'
 * request visibility.
 */
function eventPolicy(budgets: BudgetService, quotes: QuoteService): EventPolicy {
  return new EventPolicy({
    client: async (tx, viewer, clientId) => {
      const client = await budgets.findClient(tx, clientId);
      return client !== null && canActFor(viewer, client);
    },
    quoteRequest: async (tx, viewer, quoteRequestId) => (await quotes.findVisibleRequest(viewer, quoteRequestId, tx)) !== null,
  });
}

/** The webhook worker. */
function createDispatcher(db: DataSource, services: Services, config: Config, clock: Clock, logger: Logger): WebhookDispatcher {
  return new WebhookDispatcher(db, services.users, eventPolicy(services.budgets, services.quotes), config.webhooks, clock, logger);
}

const LOADER_FACTORIES: ((db: DataSource) => object)[] = [
  createReferenceLoaders,
  createUserLoaders,
  createPricingLoaders,
  createProviderLoaders,
  createListingLoaders,
  createBudgetLoaders,
  createBookingLoaders,
  createQuoteLoaders,
  createPackageLoaders,
  createSettlementLoaders,
  createReportLoaders,
];

/** New DataLoaders for one request, so that nothing cached outlives it or leaks to another viewer. */
export function createLoaders(db: DataSource): Loaders {
  return Object.assign({}, ...LOADER_FACTORIES.map((create) => create(db))) as Loaders;
}

/**
 * The same loaders, each module's made on its first use in the request (tuning `lazyLoaders`): a
 * search touches two modules' loaders of ten. One class per app, whose prototype has a getter per
 * loader name; an instance holds the modules' loaders it has made.
 */
function lazyLoaders(db: DataSource): () => Loaders {
  class LazyLoaders {
    readonly made: (Record<string, unknown> | undefined)[] = [];
  }
  LOADER_FACTORIES.forEach((create, i) => {
    for (const name of Object.keys(create(db))) {
      Object.defineProperty(LazyLoaders.prototype, name, {
        enumerable: true,
        get(this: LazyLoaders) {
          return (this.made[i] ??= create(db) as Record<string, unknown>)[name];
        },
      });
    }
  });
  return () => new LazyLoaders() as unknown as Loaders;
}

/**
 * Refuses, before Apollo parses and validates it, a document whose shape would cost graphql-js far
 * more than its size (limits.ts `costlyShape`). Verdicts of short documents are remembered, so a
 * client's repeated query costs a map look-up.
 */
function refuseCostlyShapes(maxTokens: number): RequestHandler {
  const verdicts = new Map<string, string | null>();
  const verdictOn = (query: string) => {
    const known = verdicts.get(query);
    if (known !== undefined) return known;
    const verdict = costlyShape(query, maxTokens);
    if (query.length <= 10_000) {
      if (verdicts.size >= 1_000) verdicts.delete(verdicts.keys().next().value!);
      verdicts.set(query, verdict);
    }
    return verdict;
  };
  return (req, res, next) => {
    const body: unknown = req.method === "GET" ? req.query : req.body;
    const query = typeof body === "object" && body !== null && "query" in body ? body.query : undefined;
    const problem = typeof query === "string" ? verdictOn(query) : null;
    if (problem) {
      res.status(400).json({ errors: [{ message: problem, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } }] });
      return;
    }
    next();
  };
}

const HTTP_MESSAGES: Partial<Record<number, string>> = {
  400: "The request body is not valid JSON.",
  413: "The request body is too large.",
  415: "Send the body as JSON in UTF-8 (content-type: application/json), uncompressed or gzip.",
};

/** Malformed JSON bodies and other HTTP-level faults answer in GraphQL's error shape, never HTML. */
function jsonErrors(logger: Logger, logUnavailable: (error: unknown) => void): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (isServiceUnavailable(error)) {
      logUnavailable(error);
      return void res.status(503).set("retry-after", String(RETRY_AFTER_SECONDS)).json(serviceUnavailableBody());
    }
    const status = typeof error === "object" && error !== null && "status" in error ? Number(error.status) : 500;
    if (status >= 500) logger.error("http error", { error });
    const message = HTTP_MESSAGES[status] ?? (status < 500 ? `The request could not be read (HTTP ${status}).` : "Internal server error.");
    res.status(status).json({ errors: [{ message, extensions: { code: status < 500 ? "BAD_REQUEST" : "INTERNAL_SERVER_ERROR" } }] });
  };
}
