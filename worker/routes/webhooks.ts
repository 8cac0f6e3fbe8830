import { createRoute, z } from "@hono/zod-openapi";
import { answerHandshake, receiveWebhook, WEBHOOK_PATH_NAMES } from "../domain/channels/receive";
import { createRouter } from "../lib/router";
import { errorResponses } from "../schemas/common";

const tags = ["Webhooks"];
const Params = z.object({
  platform: z.enum(WEBHOOK_PATH_NAMES).openapi({ param: { name: "platform", in: "path" } }),
  id: z
    .string()
    .max(64)
    .openapi({ param: { name: "id", in: "path" }, example: "ch_01JD0000000000000000000000" }),
});

const handshakeRoute = createRoute({
  method: "get",
  path: "/{platform}/{id}",
  tags,
  summary: "Meta's webhook verification (WhatsApp, Messenger, Instagram): echoes hub.challenge",
  request: { params: Params },
  responses: {
    200: { description: "The challenge", content: { "text/plain": { schema: z.string() } } },
    ...errorResponses,
  },
});

const receiveRoute = createRoute({
  method: "post",
  path: "/{platform}/{id}",
  tags,
  summary: "Events from a platform, signed with the channel's secret",
  description:
    "The body is the platform's own format (JSON, or form-encoded for Twilio). A bad or missing signature gets 403 and nothing is stored; a redelivered message is stored once.",
  request: { params: Params },
  responses: {
    200: { description: "Accepted for processing" },
    ...errorResponses,
  },
});

const twilioStatusRoute = createRoute({
  method: "post",
  path: "/twilio/{id}/status",
  tags,
  summary: "Twilio status callbacks for sent messages",
  request: { params: Params.pick({ id: true }) },
  responses: { 200: { description: "Accepted" }, ...errorResponses },
});

const TWIML_EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

async function webhookRequest(request: Request, receivedAt: number) {
  const rawBytes = new Uint8Array(await request.arrayBuffer());
  return {
    url: request.url,
    headers: request.headers,
    rawBytes,
    rawBody: new TextDecoder().decode(rawBytes),
    receivedAt,
  };
}

export const webhooksRouter = createRouter()
  .openapi(handshakeRoute, async (c) => {
    const { platform, id } = c.req.valid("param");
    return c.text(await answerHandshake(c.get("db"), c.env, platform, id, new URL(c.req.url)), 200);
  })
  .openapi(twilioStatusRoute, async (c) => {
    const now = c.get("clock").now();
    const request = await webhookRequest(c.req.raw, now);
    await receiveWebhook(c.get("db"), c.env, "twilio", c.req.valid("param").id, request, now);
    return c.body(TWIML_EMPTY, 200, { "content-type": "text/xml" });
  })
  .openapi(receiveRoute, async (c) => {
    const { platform, id } = c.req.valid("param");
    const now = c.get("clock").now();
    const request = await webhookRequest(c.req.raw, now);
    const result = await receiveWebhook(c.get("db"), c.env, platform, id, request, now);
    if (platform === "twilio") return c.body(TWIML_EMPTY, 200, { "content-type": "text/xml" });
    return c.json({ received: result.received }, 200);
  });
