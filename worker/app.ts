import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { createDb } from "./db/client";
import { authenticate } from "./lib/auth";
import { type Clock, systemClock } from "./lib/clock";
import type { AppEnv } from "./lib/context";
import {
  badRequest,
  Problem,
  payloadTooLarge,
  problemResponse,
  unsupportedMediaType,
} from "./lib/errors";
import { idempotency } from "./lib/idempotency";
import {
  API_LIMIT,
  clientIp,
  LOGIN_LIMIT,
  rateLimit,
  visitorCaller,
  WIDGET_LIMIT,
  WIDGET_SESSION_LIMIT,
} from "./lib/rate-limit";
import { routeTable } from "./lib/route-table";
import { securityHeaders } from "./lib/security-headers";
import { activityReportsRouter } from "./routes/activity-reports";
import { aiRouter } from "./routes/ai";
import { apiKeysRouter } from "./routes/api-keys";
import { assistantsRouter } from "./routes/assistants";
import { authRouter } from "./routes/auth";
import { automationTemplatesRouter } from "./routes/automation-templates";
import { automationWebhookRouter } from "./routes/automation-webhook";
import { automationsRouter } from "./routes/automations";
import { broadcastListsRouter } from "./routes/broadcast-lists";
import { broadcastsRouter } from "./routes/broadcasts";
import { channelsRouter } from "./routes/channels";
import { contactFieldsRouter } from "./routes/contact-fields";
import { contactImportsRouter } from "./routes/contact-imports";
import { contactsRouter } from "./routes/contacts";
import { conversationsRouter } from "./routes/conversations";
import { copilotRouter } from "./routes/copilot";
import { csatReportRouter } from "./routes/csat-report";
import { demoRouter } from "./routes/demo";
import { docsRouter } from "./routes/docs";
import { exportsRouter } from "./routes/exports";
import { filesRouter } from "./routes/files";
import { invitationsRouter } from "./routes/invitations";
import { knowledgeRouter } from "./routes/knowledge";
import { labelsRouter } from "./routes/labels";
import { linksRouter } from "./routes/links";
import { meRouter } from "./routes/me";
import { messageTemplatesRouter } from "./routes/message-templates";
import { outboundMessagesRouter } from "./routes/outbound-messages";
import { realtimeRouter } from "./routes/realtime";
import { reportEmailsRouter } from "./routes/report-emails";
import { reportsRouter } from "./routes/reports";
import { savedViewsRouter } from "./routes/saved-views";
import { scheduledMessagesRouter } from "./routes/scheduled-messages";
import { searchRouter } from "./routes/search";
import { segmentsRouter } from "./routes/segments";
import { sendRouter } from "./routes/send";
import { snippetsRouter } from "./routes/snippets";
import { teamsRouter } from "./routes/teams";
import { usersRouter } from "./routes/users";
import { webhookSubscriptionsRouter } from "./routes/webhook-subscriptions";
import { webhooksRouter } from "./routes/webhooks";
import { authenticateVisitor, widgetCors, widgetRouter } from "./routes/widget";
import { widgetPushRouter } from "./routes/widget-push";

const API = "/api/v1";
const MAX_BODY_BYTES = 1024 * 1024;
const PUBLIC_API_PATHS = new Set([
  `${API}/auth/login`,
  `${API}/auth/logout`,
  `${API}/auth/accept-invite`,
  `${API}/auth/invitation`,
  `${API}/openapi.json`,
]);
const JSON_TYPE = /^application\/([\w.-]+\+)?json(;|$)/i;
const UPLOAD_PATH = /^\/api\/v1\/(conversations\/[^/]+\/attachments|knowledge\/sources\/file)$/;
/** CSV files (a broadcast's audience, contacts to import …) come as text/csv or multipart, checked for size by their route. */
const CSV_PATH =
  /^\/api\/v1\/(broadcasts\/[^/]+\/audience\/csv|knowledge\/sources\/qa-csv|contact-imports)$/;
const CSV_TYPE = /^(text\/csv|multipart\/form-data)(;|$)/i;
/** Widget paths a visitor token is required on. */
const VISITOR_PATHS = [
  "/widget/v1/messages",
  "/widget/v1/attachments",
  "/widget/v1/contact",
  "/widget/v1/conversations",
  "/widget/v1/conversations/*",
  "/widget/v1/push-subscriptions",
];

export type AppDeps = { clock?: Clock };

export function createApp({ clock = systemClock }: AppDeps = {}) {
  const app = new OpenAPIHono<AppEnv>();
  const routes = routeTable(app);

  app.use("*", securityHeaders);
  app.use("*", async (c, next) => {
    c.set("db", createDb(c.env.DB));
    c.set("clock", clock);
    await next();
  });

  app.get("/health", (c) => c.json({ status: "ok" }));

  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw payloadTooLarge(MAX_BODY_BYTES);
    },
  });
  // file uploads are multipart and checked for size by their route
  app.use("/api/*", (c, next) =>
    UPLOAD_PATH.test(c.req.path) || CSV_PATH.test(c.req.path) ? next() : limitBody(c, next),
  );
  app.use("/webhooks/*", limitBody);

  app.use("/api/*", async (c, next) => {
    const hasBody = c.req.raw.body !== null && c.req.header("content-length") !== "0";
    const type = c.req.header("content-type") ?? "";
    const upload =
      (UPLOAD_PATH.test(c.req.path) && type.startsWith("multipart/form-data")) ||
      (CSV_PATH.test(c.req.path) && CSV_TYPE.test(type));
    if (hasBody && !upload && !["GET", "HEAD"].includes(c.req.method) && !JSON_TYPE.test(type)) {
      throw unsupportedMediaType("Send request bodies as application/json.");
    }
    await next();
  });

  // Unknown paths fall through to the 404 / 405 answer instead of asking for credentials.
  const knownRoute = (c: Context<AppEnv>) =>
    routes.allowedMethods(c.req.path).includes(c.req.method);
  app.use(`${API}/*`, async (c, next) => {
    if (PUBLIC_API_PATHS.has(c.req.path) || !knownRoute(c)) return next();
    return authenticate(c, next);
  });
  // sign-in and invitation tokens are guessed at from outside: limited per address here, and
  // per account in the routes that check a password
  for (const path of ["login", "accept-invite", "invitation"]) {
    app.use(
      `${API}/auth/${path}`,
      rateLimit(LOGIN_LIMIT, (c) => clientIp(c.req.raw.headers)),
    );
  }
  app.use(`${API}/*`, async (c, next) => {
    const principal = c.get("principal") as AppEnv["Variables"]["principal"] | undefined;
    if (!principal) return next();
    return rateLimit(API_LIMIT, () => principal.apiKeyId ?? `user:${principal.userId}`)(c, next);
  });
  app.use("/widget/v1/*", widgetCors);
  // the visitor is known before limits and idempotency, which are kept per visitor
  for (const path of VISITOR_PATHS)
    app.use(path, (c, next) => (knownRoute(c) ? authenticateVisitor(c, next) : next()));
  // a visitor's messages count against their own session; new sessions against their IP
  app.post(
    "/widget/v1/sessions",
    rateLimit(WIDGET_SESSION_LIMIT, (c) => clientIp(c.req.raw.headers)),
  );
  const visitorLimit = rateLimit(WIDGET_LIMIT, (c) => visitorCaller(c.get("visitor")));
  app.on("POST", ["/widget/v1/attachments", "/widget/v1/conversations/*"], visitorLimit);
  app.patch("/widget/v1/contact", visitorLimit);
  app.on(["POST", "DELETE"], "/widget/v1/push-subscriptions", visitorLimit);
  app.use(`${API}/*`, idempotency);
  app.use("/widget/v1/*", idempotency);

  app.openAPIRegistry.registerComponent("securitySchemes", "session", {
    type: "apiKey",
    in: "cookie",
    name: "conversa_session",
    description: "Set by POST /api/v1/auth/login",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "A workspace API key",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "visitor", {
    type: "http",
    scheme: "bearer",
    description:
      "A visitor token from POST /widget/v1/sessions. It expires 30 days after it was issued; an answer to a token past half its life carries a fresh one in the `Visitor-Token` header. Expired or revoked tokens (channel disconnected, identity newly required, contact deleted) get 401.",
  });

  app
    .route(API, authRouter)
    .route(API, meRouter)
    .route(API, usersRouter)
    .route(API, invitationsRouter)
    .route(API, apiKeysRouter)
    .route(API, contactsRouter)
    .route(API, contactFieldsRouter)
    .route(API, contactImportsRouter)
    .route(API, channelsRouter)
    .route(API, conversationsRouter)
    .route(API, realtimeRouter)
    .route(API, searchRouter)
    .route(API, snippetsRouter)
    .route(API, savedViewsRouter)
    .route(API, labelsRouter)
    .route(API, sendRouter)
    .route(API, teamsRouter)
    .route(API, webhookSubscriptionsRouter)
    .route(API, automationsRouter)
    .route(API, automationTemplatesRouter)
    .route(API, reportsRouter)
    .route(API, exportsRouter)
    .route(API, csatReportRouter)
    .route(API, reportEmailsRouter)
    .route(API, activityReportsRouter)
    .route(API, segmentsRouter)
    .route(API, outboundMessagesRouter)
    .route(API, broadcastsRouter)
    .route(API, broadcastListsRouter)
    .route(API, messageTemplatesRouter)
    .route(API, scheduledMessagesRouter)
    .route(API, aiRouter)
    .route(API, assistantsRouter)
    .route(API, knowledgeRouter)
    .route(API, copilotRouter)
    .route("/widget/v1", widgetRouter)
    .route("/widget/v1", widgetPushRouter)
    // before the channels' /webhooks/{platform}/{id}, which would take the path too
    .route("/webhooks", automationWebhookRouter)
    .route("/webhooks", webhooksRouter)
    .route("/", filesRouter)
    .route("/", linksRouter)
    .route("/", demoRouter)
    .route("/", docsRouter);

  app.doc31(`${API}/openapi.json`, {
    openapi: "3.1.0",
    info: {
      title: "Conversa API",
      version: "1.0.0",
      description:
        "Omnichannel customer messaging. Authenticate with the session cookie (browser) or `Authorization: Bearer <API key>`. Errors are application/problem+json.",
    },
    servers: [{ url: "/" }],
  });

  app.notFound((c) => {
    const allowed = routes.allowedMethods(c.req.path);
    if (allowed.length > 0) {
      return problemResponse(
        new Problem(405, "method-not-allowed", "Method not allowed", `Use ${allowed.join(", ")}.`),
        { allow: allowed.join(", ") },
      );
    }
    return problemResponse(
      new Problem(404, "not-found", "Not found", `No route for ${c.req.path}.`),
    );
  });

  app.onError((error, c) => {
    if (error instanceof Problem) return problemResponse(error, error.headers);
    if (error instanceof HTTPException) {
      const status = error.status;
      if (status === 400) return problemResponse(badRequest(error.message));
      return problemResponse(new Problem(status, "http-error", error.message || "Error"));
    }
    console.error(`${c.req.method} ${c.req.path} failed`, error);
    return problemResponse(
      new Problem(
        500,
        "internal-error",
        "Internal error",
        "Something failed on our side; it was logged.",
      ),
    );
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
