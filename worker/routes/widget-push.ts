import { createRoute } from "@hono/zod-openapi";
import { subscribe, unsubscribe } from "../domain/web-push/subscriptions";
import { createRouter } from "../lib/router";
import { errorResponses, jsonBody, jsonResponse, toIso } from "../schemas/common";
import {
  PushSubscriptionCreate,
  PushSubscriptionRemove,
  PushSubscriptionSchema,
} from "../schemas/web-push";
import { visitorOf } from "./widget";

const tags = ["Widget"];
const security = [{ visitor: [] }];

const subscribeRoute = createRoute({
  method: "post",
  path: "/push-subscriptions",
  tags,
  summary:
    "Keep the browser's push subscription for the visitor (they agreed to notifications); records their push consent",
  security,
  request: { body: jsonBody(PushSubscriptionCreate) },
  responses: { 201: jsonResponse(PushSubscriptionSchema, "Subscribed"), ...errorResponses },
});

const unsubscribeRoute = createRoute({
  method: "delete",
  path: "/push-subscriptions",
  tags,
  summary: "Forget the browser's push subscription (the visitor turned notifications off)",
  security,
  request: { query: PushSubscriptionRemove },
  responses: { 204: { description: "Removed" }, ...errorResponses },
});

export const widgetPushRouter = createRouter();

widgetPushRouter
  .openapi(subscribeRoute, async (c) => {
    const row = await subscribe(
      c.get("db"),
      c.env,
      visitorOf(c),
      c.req.valid("json"),
      c.get("clock").now(),
    );
    return c.json({ id: row.id, channel_id: row.channelId, created_at: toIso(row.createdAt) }, 201);
  })
  .openapi(unsubscribeRoute, async (c) => {
    const { channel_id, endpoint } = c.req.valid("query");
    await unsubscribe(c.get("db"), c.env, visitorOf(c), channel_id, endpoint, c.get("clock").now());
    return c.body(null, 204);
  });
