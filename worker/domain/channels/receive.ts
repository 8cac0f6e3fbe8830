import { adapterFor } from "../../channels/index";
import { metaHandshake } from "../../channels/meta";
import type { WebhookRequest } from "../../channels/types";
import type { ChannelType } from "../../db/schema";
import type { Db } from "../../lib/context";
import { badRequest, forbidden, notFound } from "../../lib/errors";
import { adapterConfig, getPublicChannel, WEBHOOK_PATHS } from "./channels";
import type { InboundJob } from "./inbound";

export type WebhookPath = (typeof WEBHOOK_PATHS)[keyof typeof WEBHOOK_PATHS];
type PlatformType = keyof typeof WEBHOOK_PATHS;

const TYPE_BY_PATH = Object.fromEntries(
  Object.entries(WEBHOOK_PATHS).map(([type, path]) => [path, type]),
) as Record<WebhookPath, PlatformType>;

export const WEBHOOK_PATH_NAMES = Object.keys(TYPE_BY_PATH) as [WebhookPath, ...WebhookPath[]];
const HANDSHAKE_TYPES: ChannelType[] = ["whatsapp", "messenger", "instagram"];
const QUEUE_BATCH = 100;

/** Meta's GET verification: the challenge to echo, or 403. */
export async function answerHandshake(
  db: Db,
  env: Env,
  path: WebhookPath,
  channelId: string,
  url: URL,
) {
  const type = TYPE_BY_PATH[path];
  if (!HANDSHAKE_TYPES.includes(type)) throw notFound("Webhook");
  const channel = await getPublicChannel(db, channelId, type);
  const { verify_token } = await adapterConfig<{ verify_token: string }>(env, channel);
  const challenge = metaHandshake(url, verify_token);
  if (challenge === null) throw forbidden("The verify token does not match.");
  return challenge;
}

/**
 * A platform's POST: checked against the channel's secret before anything is read from it,
 * parsed into events and queued. The answer is quick; the queue does the rest.
 */
export async function receiveWebhook(
  db: Db,
  env: Env,
  path: WebhookPath,
  channelId: string,
  request: WebhookRequest,
  now: number,
) {
  const type = TYPE_BY_PATH[path];
  const channel = await getPublicChannel(db, channelId, type);
  const adapter = adapterFor(type);
  const config = await adapterConfig<Parameters<typeof adapter.verify>[1]>(env, channel);
  if (!(await adapter.verify(request, config)))
    throw forbidden("The request signature does not match this channel's secret.");
  let events: ReturnType<typeof adapter.parse>;
  try {
    events = adapter.parse(request, config);
  } catch (error) {
    throw badRequest(`The payload is not in ${type}'s format: ${(error as Error).message}`);
  }
  const jobs = events.map((event) => ({
    body: { channelId, event, receivedAt: now } satisfies InboundJob,
  }));
  for (let i = 0; i < jobs.length; i += QUEUE_BATCH) {
    await env.INBOUND.sendBatch(jobs.slice(i, i + QUEUE_BATCH));
  }
  return { type, received: events.length };
}
