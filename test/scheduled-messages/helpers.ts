import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { z } from "zod";
import type {
  ScheduledListItem,
  ScheduledMessageSchema,
} from "../../worker/schemas/scheduled-messages";
import { api, json } from "../helpers";

export type Scheduled = z.infer<typeof ScheduledMessageSchema>;

export const inHours = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

export async function schedule(cookie: string, body: Record<string, unknown>) {
  const response = await api("/api/v1/scheduled-messages", { cookie, body });
  if (response.status !== 201)
    throw new Error(`schedule failed: ${response.status} ${await response.text()}`);
  return json<Scheduled>(response);
}

export async function scheduleSequence(cookie: string, body: Record<string, unknown>) {
  const response = await api("/api/v1/scheduled-messages/sequences", { cookie, body });
  if (response.status !== 201)
    throw new Error(`sequence failed: ${response.status} ${await response.text()}`);
  return json<{ id: string; data: Scheduled[] }>(response);
}

export const scheduledOf = async (cookie: string, id: string) =>
  json<Scheduled>(await api(`/api/v1/scheduled-messages/${id}`, { cookie }));

export async function listScheduled(cookie: string, query: Record<string, string> = {}) {
  const response = await api(`/api/v1/scheduled-messages?${new URLSearchParams(query)}`, {
    cookie,
  });
  return json<{ data: z.infer<typeof ScheduledListItem>[]; next_cursor: string | null }>(response);
}

const alarmOf = (id: string) => env.SCHEDULED_MESSAGES.get(env.SCHEDULED_MESSAGES.idFromName(id));

/** Runs the message's alarm now, as the runtime would at its time; false when none is set. */
export const fireAlarm = (id: string) => runDurableObjectAlarm(alarmOf(id));

/** Sets the message's alarm again at its time, as a retried or duplicated alarm would. */
export const rearm = (message: Scheduled, workspaceId: string) =>
  alarmOf(message.id).arm({ workspaceId, id: message.id }, Date.parse(message.send_at));
