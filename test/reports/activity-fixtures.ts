import { env } from "cloudflare:workers";
import { createDb } from "../../worker/db/client";
import {
  type AiFeature,
  aiAssistantActivity,
  aiCalls,
  aiUsage,
  automationRuns,
  automations,
  broadcastRecipients,
  broadcastRuns,
  broadcasts,
  type RecipientStatus,
  type RunStatus,
} from "../../worker/db/schema";
import { getChannelRow } from "../../worker/domain/channels/channels";
import { contactForSender } from "../../worker/domain/channels/inbound";
import { createContact } from "../../worker/domain/contacts/contacts";
import type { Principal } from "../../worker/lib/context";
import { newId } from "../../worker/lib/ids";
import { db } from "../helpers";

const at = (iso: string) => Date.parse(iso);

type Recipient = {
  status: RecipientStatus;
  reason?: string;
  delivered?: true;
  read?: true;
  replied?: true;
  clicked?: true;
};

/** A broadcast on the channel and its runs, each started at its time with its send ledger. */
export async function broadcastWithRuns(
  workspaceId: string,
  channelId: string,
  name: string,
  runs: { startedAt: string; recipients: Recipient[] }[],
) {
  const id = newId("bc");
  const now = Date.now();
  await db()
    .insert(broadcasts)
    .values({
      id,
      workspaceId,
      name,
      channelId,
      audience: { tags: ["news"] },
      message: { text: "Hello" },
      status: "completed",
      updatedAt: now,
    });
  for (const [i, run] of runs.entries()) {
    const started = at(run.startedAt);
    await db()
      .insert(broadcastRuns)
      .values({
        workspaceId,
        broadcastId: id,
        run: i + 1,
        periodKey: `p${i + 1}`,
        status: "completed",
        startedAt: started,
      });
    await db()
      .insert(broadcastRecipients)
      .values(
        run.recipients.map((r, n) => ({
          workspaceId,
          broadcastId: id,
          run: i + 1,
          contactId: `ct_${id}_${n}`,
          status: r.status,
          reason: r.reason ?? null,
          sentAt: r.status === "sent" ? started : null,
          deliveredAt: r.delivered ? started : null,
          readAt: r.read ? started : null,
          repliedAt: r.replied ? started : null,
          clickedAt: r.clicked ? started : null,
          createdAt: started,
          updatedAt: started,
        })),
      );
  }
  return id;
}

/** An automation and its runs, each started at its time, with its outcome and messages sent. */
export async function automationWithRuns(
  workspaceId: string,
  name: string,
  runs: { startedAt: string; status: RunStatus; messages?: number }[],
) {
  const id = newId("au");
  const versionId = newId("auv");
  const now = Date.now();
  await db()
    .insert(automations)
    .values({ id, workspaceId, name, status: "active", versionId, version: 1, updatedAt: now });
  await db()
    .insert(automationRuns)
    .values(
      runs.map((run) => ({
        id: newId("run"),
        workspaceId,
        automationId: id,
        versionId,
        triggerEventId: newId("evt"),
        trigger: {},
        status: run.status,
        messagesSent: run.messages ?? 0,
        startedAt: at(run.startedAt),
        updatedAt: at(run.startedAt),
      })),
    );
  return id;
}

/** A call the provider answered, with its tokens. */
export const usageAt = (
  workspaceId: string,
  feature: AiFeature,
  when: string,
  prompt: number,
  completion: number,
) =>
  db()
    .insert(aiUsage)
    .values({
      id: newId("aiu"),
      workspaceId,
      feature,
      model: "gpt-test",
      promptTokens: prompt,
      completionTokens: completion,
      at: at(when),
    });

/** A call that timed out, as the call log keeps it. */
export const timeoutAt = (workspaceId: string, feature: AiFeature, when: string) =>
  db()
    .insert(aiCalls)
    .values({
      id: newId("aic"),
      workspaceId,
      feature,
      model: "gpt-test",
      messages: [],
      promptTokens: 0,
      completionTokens: 0,
      durationMs: 10_000,
      outcome: "timeout",
      at: at(when),
    });

/** Something the assistant did, as its turn records it. */
export const assistantDid = (
  workspaceId: string,
  kind: "answer" | "handoff" | "resolved",
  when: string,
  by: "assistant" | "customer" | "agent" | "error" | null = null,
) =>
  db()
    .insert(aiAssistantActivity)
    .values({ id: newId("aia"), workspaceId, kind, by, assistantId: null, at: at(when) });

/** A person's (or an API key's) contact, made at `when`. */
export const contactMadeBy = (
  workspaceId: string,
  via: "session" | "api_key",
  when: string,
  email: string,
) => {
  const actor: Principal = {
    workspaceId,
    role: "owner",
    userId: null,
    apiKeyId: null,
    via,
    sessionIdHash: null,
  };
  return createContact(createDb(env.DB), env, actor, { email }, at(when));
};

/** A visitor first seen on the channel at `when`. */
export async function contactFirstSeen(workspaceId: string, channelId: string, when: string) {
  const database = createDb(env.DB);
  const channel = await getChannelRow(database, workspaceId, channelId);
  return contactForSender(database, env, channel, { id: newId("visitor"), name: "Ana" }, at(when));
}
