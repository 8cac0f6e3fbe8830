import { createMessageBatch } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import {
  broadcastRecipients,
  contactIdentities,
  contacts,
  contactTags,
} from "../../worker/db/schema";
import type { BroadcastJob } from "../../worker/domain/broadcasts/jobs";
import { newId } from "../../worker/lib/ids";
import { BROADCASTS_QUEUE, consumeBroadcasts } from "../../worker/queues";
import {
  eventually,
  fakeRequests,
  fakeUrl,
  newChannel,
  postWebhook,
  uniqueDigits,
} from "../channel-helpers";
import { api, db, json, newWorkspace } from "../helpers";

export const SECRET = "broadcast_secret_token";

export type BroadcastDto = { id: string; status: string; send_at: string | null };
export type Stats = {
  status: string;
  targeted: number;
  excluded: number;
  excluded_by_reason: Record<string, number>;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  replied: number;
  failed: number;
  held: number;
  clicked: number;
  winner: string | null;
  variants: {
    key: string;
    sent: number;
    replied: number;
    clicked: number;
    reply_rate: number;
    click_rate: number;
  }[];
  waiting_reason: string | null;
  waiting_until: string | null;
};

/** A workspace with a Telegram bot on the fake platform, sending at most `maxPerSecond`. */
export async function setup(maxPerSecond?: number, config: Record<string, unknown> = {}) {
  const ws = await newWorkspace();
  const botToken = `${uniqueDigits(10)}:AAB${uniqueDigits(20)}`;
  const channel = await newChannel(ws.ownerCookie, "telegram", {
    bot_token: botToken,
    secret_token: SECRET,
    api_base_url: fakeUrl(),
    ...(maxPerSecond ? { max_per_second: maxPerSecond } : {}),
    ...config,
  });
  return { ws, channel, botToken, cookie: ws.ownerCookie };
}
export type Setup = Awaited<ReturnType<typeof setup>>;

type ContactKind = "reachable" | "opted_out" | "no_address";

/** Contacts tagged `tag`, known on the bot by a chat id unless `no_address`. */
export async function addContacts(
  s: Setup,
  n: number,
  kind: ContactKind = "reachable",
  tag = "news",
) {
  const now = Date.now();
  const rows = Array.from({ length: n }, (_, i) => ({
    id: newId("ct", now + i),
    chatId: `1${uniqueDigits(8)}`,
  }));
  for (const row of rows) {
    await db()
      .insert(contacts)
      .values({
        id: row.id,
        workspaceId: s.ws.id,
        name: `Reader ${row.chatId}`,
        consent:
          kind === "opted_out" ? { telegram: { status: "opted_out", at: now, source: "api" } } : {},
        createdAt: now,
        updatedAt: now,
      });
    await db().insert(contactTags).values({ workspaceId: s.ws.id, contactId: row.id, tag });
    if (kind !== "no_address")
      await db()
        .insert(contactIdentities)
        .values({
          workspaceId: s.ws.id,
          kind: `telegram:${s.channel.id}`,
          value: row.chatId,
          contactId: row.id,
        });
  }
  return rows;
}

export async function newBroadcast(
  s: Pick<Setup, "cookie" | "channel">,
  body: Record<string, unknown> = {},
) {
  const response = await api("/api/v1/broadcasts", {
    cookie: s.cookie,
    body: {
      name: "Winter sale",
      channel_id: s.channel.id,
      audience: { tags: ["news"] },
      message: { text: "Hello {{contact.name}}, the sale starts today" },
      ...body,
    },
  });
  if (response.status !== 201)
    throw new Error(`broadcast failed: ${response.status} ${await response.text()}`);
  return json<BroadcastDto>(response);
}

export async function act(s: Pick<Setup, "cookie">, id: string, verb: string) {
  const response = await api(`/api/v1/broadcasts/${id}/${verb}`, {
    cookie: s.cookie,
    method: "POST",
  });
  if (response.status !== 200)
    throw new Error(`${verb} failed: ${response.status} ${await response.text()}`);
  return json<BroadcastDto>(response);
}

export const statsOf = async (s: Pick<Setup, "cookie">, id: string) =>
  json<Stats>(await api(`/api/v1/broadcasts/${id}/stats`, { cookie: s.cookie }));

export const finished = (s: Pick<Setup, "cookie">, id: string, timeoutMs = 20_000) =>
  eventually(
    async () => {
      const stats = await statsOf(s, id);
      return stats.status === "completed" ? stats : undefined;
    },
    `broadcast ${id} completed`,
    timeoutMs,
  );

/** The texts the fake Telegram got, per chat id. */
export async function textsByChat(s: Setup) {
  const requests = await fakeRequests(`/bot${s.botToken}/sendMessage`);
  const texts = new Map<string, string[]>();
  for (const request of requests) {
    const { chat_id, text } = JSON.parse(request.body) as { chat_id: unknown; text: string };
    texts.set(String(chat_id), [...(texts.get(String(chat_id)) ?? []), text]);
  }
  return texts;
}

/** What the fake Telegram got, per chat id. */
export async function sendsByChat(s: Setup) {
  const requests = await fakeRequests(`/bot${s.botToken}/sendMessage`);
  const counts = new Map<string, number>();
  for (const request of requests) {
    const chat = String((JSON.parse(request.body) as { chat_id: unknown }).chat_id);
    counts.set(chat, (counts.get(chat) ?? 0) + 1);
  }
  return counts;
}

export const ledgerOf = (workspaceId: string, broadcastId: string) =>
  db()
    .select()
    .from(broadcastRecipients)
    .where(
      and(
        eq(broadcastRecipients.workspaceId, workspaceId),
        eq(broadcastRecipients.broadcastId, broadcastId),
      ),
    );

let delivery = 0;

/** Hands jobs to the broadcasts consumer as one queue batch, at `now` if given. */
export async function consume(jobs: BroadcastJob[], now?: () => number) {
  const batch = createMessageBatch(
    BROADCASTS_QUEUE,
    jobs.map((body) => ({
      id: `brd-msg-${delivery++}`,
      timestamp: new Date(),
      attempts: 1,
      body,
    })),
  );
  await consumeBroadcasts(batch as MessageBatch<BroadcastJob>, env, now ? { now } : undefined);
  return batch;
}

/** The customer writes to the bot, as Telegram would deliver it. */
export function customerWrites(s: Setup, chatId: string, text: string) {
  const update = {
    update_id: Number(uniqueDigits(9)),
    message: {
      message_id: Number(uniqueDigits(6)),
      from: { id: Number(chatId), is_bot: false, first_name: "Reader" },
      chat: { id: Number(chatId), first_name: "Reader", type: "private" },
      date: Math.floor(Date.now() / 1000),
      text,
    },
  };
  return postWebhook(`/webhooks/telegram/${s.channel.id}`, JSON.stringify(update), {
    "content-type": "application/json",
    "x-telegram-bot-api-secret-token": SECRET,
  });
}
