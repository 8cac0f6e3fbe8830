import { createRoute, z } from "@hono/zod-openapi";
import { WEBHOOK_EVENTS } from "../db/schema";
import { replayDelivery } from "../domain/webhooks/delivery";
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  toDeliveryDto,
  toSubscriptionDto,
  updateSubscription,
} from "../domain/webhooks/subscriptions";
import { auditFacets, listAudit } from "../domain/workspace/audit";
import { requireRole } from "../lib/auth";
import { notFound } from "../lib/errors";
import { authenticated, createRouter } from "../lib/router";
import {
  errorResponses,
  IdParam,
  jsonBody,
  jsonResponse,
  singleLine,
  Timestamp,
} from "../schemas/common";

const tags = ["Webhooks out"];
const admin = [requireRole("admin")];
const SubscriptionId = IdParam("whk");

const Events = z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length);
const HttpsUrl = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .openapi({ example: "https://example.com/hooks/conversa" });

const SubscriptionCreate = z
  .strictObject({
    url: HttpsUrl,
    events: Events,
    description: z.string().max(200).check(singleLine).optional(),
  })
  .openapi("WebhookSubscriptionCreate");
const SubscriptionPatch = z
  .strictObject({
    url: HttpsUrl.optional(),
    events: Events.optional(),
    description: z.string().max(200).check(singleLine).nullable().optional(),
    active: z.boolean().optional(),
  })
  .openapi("WebhookSubscriptionPatch");
const Subscription = z
  .object({
    id: z.string(),
    url: z.string(),
    events: z.array(z.enum(WEBHOOK_EVENTS)),
    description: z.string().nullable(),
    active: z.boolean(),
    disabled_reason: z.string().nullable().openapi({ description: "Why Conversa switched it off" }),
    created_at: Timestamp,
  })
  .openapi("WebhookSubscription");
const Delivery = z
  .object({
    id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    state: z.enum(["pending", "succeeded", "failed"]),
    attempts: z.number().int(),
    last_status: z.number().int().nullable(),
    last_latency_ms: z.number().int().nullable(),
    last_response: z.string().nullable().openapi({
      description:
        "The start of the receiver's answer: printable text only, at most 200 characters",
    }),
    last_error: z.string().nullable(),
    next_attempt_at: Timestamp.nullable(),
    created_at: Timestamp,
  })
  .openapi("WebhookDelivery");

const listRoute = createRoute({
  method: "get",
  path: "/webhook-subscriptions",
  tags,
  summary: "Where the workspace's events are delivered",
  security: authenticated,
  middleware: admin,
  responses: {
    200: jsonResponse(z.object({ data: z.array(Subscription) }), "Subscriptions"),
    ...errorResponses,
  },
});

const createSubscriptionRoute = createRoute({
  method: "post",
  path: "/webhook-subscriptions",
  tags,
  summary: "Subscribe a URL to events; the signing secret is shown once",
  description:
    'Deliveries are POSTed as JSON `{id, type, created_at, workspace_id, data}` with `Conversa-Event-Id`, `Conversa-Event-Type` and `Conversa-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + raw body)>`. Non-2xx answers are retried with exponential backoff for 24 hours.',
  security: authenticated,
  middleware: admin,
  request: { body: jsonBody(SubscriptionCreate) },
  responses: {
    201: jsonResponse(
      Subscription.extend({ secret: z.string() }).openapi("CreatedWebhookSubscription"),
      "Subscribed",
    ),
    ...errorResponses,
  },
});

const updateRoute = createRoute({
  method: "patch",
  path: "/webhook-subscriptions/{id}",
  tags,
  summary: "Change the URL, events or description, or switch a subscription off and on",
  description:
    "A new `url` gets a new signing secret, returned once in `secret`: the old secret never signs deliveries to another receiver.",
  security: authenticated,
  middleware: admin,
  request: { params: SubscriptionId, body: jsonBody(SubscriptionPatch) },
  responses: {
    200: jsonResponse(
      Subscription.extend({
        secret: z.string().optional().openapi({
          description: "Only when the URL changed: the new signing secret, shown once",
        }),
      }).openapi("UpdatedWebhookSubscription"),
      "Updated",
    ),
    ...errorResponses,
  },
});

const deleteRoute = createRoute({
  method: "delete",
  path: "/webhook-subscriptions/{id}",
  tags,
  summary: "Unsubscribe",
  security: authenticated,
  middleware: admin,
  request: { params: SubscriptionId },
  responses: { 204: { description: "Deleted" }, ...errorResponses },
});

const deliveriesRoute = createRoute({
  method: "get",
  path: "/webhook-subscriptions/{id}/deliveries",
  tags,
  summary: "The delivery log: status, latency and response of the last attempt, newest first",
  security: authenticated,
  middleware: admin,
  request: { params: SubscriptionId },
  responses: {
    200: jsonResponse(z.object({ data: z.array(Delivery) }), "Deliveries"),
    ...errorResponses,
  },
});

const replayRoute = createRoute({
  method: "post",
  path: "/webhook-deliveries/{id}/replay",
  tags,
  summary: "Send a logged delivery again (same event id)",
  security: authenticated,
  middleware: admin,
  request: { params: IdParam("dlv") },
  responses: { 202: jsonResponse(Delivery, "Queued again"), ...errorResponses },
});

const AuditEntry = z
  .object({
    id: z.string(),
    actor: z.object({
      type: z.enum(["user", "api_key", "system"]),
      id: z.string().nullable(),
      name: z.string().nullable().openapi({
        description: "The person's or the API key's name; null for the system or a deleted key",
      }),
    }),
    action: z.string().openapi({ example: "channel.created" }),
    target: z.object({ type: z.string(), id: z.string().nullable() }),
    changes: z.record(z.string(), z.unknown()),
    created_at: Timestamp,
  })
  .openapi("AuditEntry");

/** A dotted word such as "webhook" or "api_key.created" */
const ActionName = z
  .string()
  .max(100)
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$/, "Expected an action such as webhook.created");

const AuditQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(100).optional(),
    actor_id: z
      .string()
      .max(100)
      .optional()
      .openapi({ description: "Only what this user or API key did" }),
    action: ActionName.optional().openapi({
      description:
        'One action ("webhook.created"), or every action on a kind of object ("webhook")',
    }),
    target_type: z
      .string()
      .max(50)
      .regex(/^[a-z][a-z0-9_]*$/, "Expected a kind of object such as webhook")
      .optional(),
    from: Timestamp.optional().openapi({ description: "Entries at or after this time" }),
    to: Timestamp.optional().openapi({ description: "Entries before this time" }),
  })
  .check((ctx) => {
    const { from, to } = ctx.value;
    if (from && to && Date.parse(to) <= Date.parse(from))
      ctx.issues.push({
        code: "custom",
        message: "Must be after `from`",
        path: ["to"],
        input: to,
      });
  });

const auditRoute = createRoute({
  method: "get",
  path: "/audit-log",
  tags: ["Audit log"],
  summary: "Administrative actions, newest first, optionally filtered",
  security: authenticated,
  middleware: admin,
  request: { query: AuditQuery },
  responses: {
    200: jsonResponse(
      z.object({ data: z.array(AuditEntry), next_cursor: z.string().nullable() }),
      "Entries",
    ),
    ...errorResponses,
  },
});

const auditFacetsRoute = createRoute({
  method: "get",
  path: "/audit-log/facets",
  tags: ["Audit log"],
  summary: "The actions and kinds of object the log holds, to filter by",
  security: authenticated,
  middleware: admin,
  responses: {
    200: jsonResponse(
      z
        .object({ actions: z.array(z.string()), target_types: z.array(z.string()) })
        .openapi("AuditFacets"),
      "Facets",
    ),
    ...errorResponses,
  },
});

export const webhookSubscriptionsRouter = createRouter()
  .openapi(listRoute, async (c) => {
    const rows = await listSubscriptions(c.get("db"), c.get("principal").workspaceId);
    return c.json({ data: rows.map(toSubscriptionDto) }, 200);
  })
  .openapi(createSubscriptionRoute, async (c) => {
    const { row, secret } = await createSubscription(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json({ ...toSubscriptionDto(row), secret }, 201);
  })
  .openapi(updateRoute, async (c) => {
    const { row, secret } = await updateSubscription(
      c.get("db"),
      c.env,
      c.get("principal"),
      c.req.valid("param").id,
      c.req.valid("json"),
    );
    return c.json({ ...toSubscriptionDto(row), ...(secret ? { secret } : {}) }, 200);
  })
  .openapi(deleteRoute, async (c) => {
    await deleteSubscription(c.get("db"), c.env, c.get("principal"), c.req.valid("param").id);
    return c.body(null, 204);
  })
  .openapi(deliveriesRoute, async (c) => {
    const rows = await listDeliveries(
      c.get("db"),
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    return c.json({ data: rows.map(toDeliveryDto) }, 200);
  })
  .openapi(replayRoute, async (c) => {
    const row = await replayDelivery(
      c.get("db"),
      c.env,
      c.get("principal").workspaceId,
      c.req.valid("param").id,
    );
    if (!row) throw notFound("Delivery");
    await getSubscription(c.get("db"), c.get("principal").workspaceId, row.subscriptionId);
    return c.json(toDeliveryDto(row), 202);
  })
  .openapi(auditRoute, async (c) => {
    const { limit, cursor, actor_id, action, target_type, from, to } = c.req.valid("query");
    const filter = {
      actorId: actor_id,
      action,
      targetType: target_type,
      from: from ? Date.parse(from) : undefined,
      to: to ? Date.parse(to) : undefined,
    };
    const page = await listAudit(
      c.get("db"),
      c.get("principal").workspaceId,
      limit,
      cursor,
      filter,
    );
    return c.json(page, 200);
  })
  .openapi(auditFacetsRoute, async (c) =>
    c.json(await auditFacets(c.get("db"), c.get("principal").workspaceId), 200),
  );
