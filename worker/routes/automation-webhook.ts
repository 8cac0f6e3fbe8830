import { createRoute } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { receiveWebhookCall } from "../domain/automations/webhook";
import { notFound, payloadTooLarge } from "../lib/errors";
import { enforceLimit, WEBHOOK_TRIGGER_LIMIT } from "../lib/rate-limit";
import { createRouter } from "../lib/router";
import { SIGNATURE_HEADER } from "../lib/signed";
import {
  WEBHOOK_CALL_MAX_BYTES,
  WebhookCall,
  WebhookCallAnswer,
  WebhookToken,
} from "../schemas/automation-webhook";
import { errorResponses, jsonBody, jsonResponse } from "../schemas/common";

const callRoute = createRoute({
  method: "post",
  path: "/automations/{token}",
  tags: ["Automations"],
  summary: "Start an automation triggered by a webhook (its `webhook_url`)",
  description: [
    "The URL's token is the credential. When the trigger has a secret, sign the raw body: `X-Conversa-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>`; a missing or wrong signature gets 401 and nothing is stored.",
    "A repeated `Idempotency-Key` starts no second run and answers the first call's runs.",
    `Bodies are JSON up to ${WEBHOOK_CALL_MAX_BYTES / 1024} KB. An unknown URL or an automation that is not active gets 404.`,
  ].join(" "),
  request: { params: WebhookToken, body: jsonBody(WebhookCall) },
  responses: { 202: jsonResponse(WebhookCallAnswer, "Started"), ...errorResponses },
});

const MAX_TOKEN_LENGTH = 64;

const limitCallBody = bodyLimit({
  maxSize: WEBHOOK_CALL_MAX_BYTES,
  onError: () => {
    throw payloadTooLarge(WEBHOOK_CALL_MAX_BYTES);
  },
});

/**
 * The body is read raw, for its signature: the route is documented from `callRoute` but served
 * without the generated validator, which would parse the body before the signature is checked.
 */
export const automationWebhookRouter = createRouter();
automationWebhookRouter.openAPIRegistry.registerPath(callRoute);
automationWebhookRouter.post("/automations/:token", limitCallBody, async (c) => {
  const token = c.req.param("token");
  if (token.length > MAX_TOKEN_LENGTH) throw notFound("Automation");
  await enforceLimit(c.env, WEBHOOK_TRIGGER_LIMIT, token);
  const runIds = await receiveWebhookCall(
    c.get("db"),
    c.env,
    {
      token,
      rawBody: new Uint8Array(await c.req.arrayBuffer()),
      signature: c.req.header(SIGNATURE_HEADER),
      idempotencyKey: c.req.header("idempotency-key"),
    },
    c.get("clock").now(),
  );
  return c.json({ run_ids: runIds }, 202);
});
