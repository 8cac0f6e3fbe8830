import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import type { Me } from "../me";

type Schemas = components["schemas"];
export type Broadcast = Schemas["Broadcast"];
export type BroadcastStatus = Broadcast["status"];
export type Audience = Schemas["BroadcastAudience"];
export type Message = Schemas["BroadcastMessage"];
export type Stats = Schemas["BroadcastStats"];
export type Recipient = Schemas["BroadcastRecipient"];
export type RecipientStatus = Recipient["status"];
export type RecipientPage = Schemas["BroadcastRecipientPage"];
export type Channel = { id: string; name: string; type: string };
export type Snippet = Schemas["Snippet"];
export type Run = Schemas["BroadcastRun"];
export type CsvResult = Schemas["BroadcastCsvResult"];

/** What the builder holds before it is saved: a broadcast as the create request takes it. */
export type Draft = Omit<Schemas["BroadcastCreate"], "message"> & {
  message: Schemas["BroadcastMessage"];
};

export const RECIPIENT_STATUSES: RecipientStatus[] = [
  "queued",
  "held",
  "sending",
  "sent",
  "failed",
  "excluded",
];
/** A broadcast still moving: its stats are asked again every couple of seconds. */
export const isLive = (status: BroadcastStatus) => status === "running" || status === "paused";
/** A broadcast that has not started changes in the builder. */
export const isEditable = (status: BroadcastStatus) => status === "draft" || status === "scheduled";

/** Supervisors and up send broadcasts; everyone follows them (as the API allows). */
export const canSendBroadcasts = (me: Me) =>
  me.role === "owner" || me.role === "admin" || me.role === "supervisor";

const base = "/api/v1/broadcasts";

export const listBroadcasts = () =>
  request<{ data: Broadcast[] }>(`${base}?limit=100`).then((answer) => answer.data);
export const getBroadcast = (id: string) => request<Broadcast>(`${base}/${id}`);
export const createBroadcast = (draft: Schemas["BroadcastCreate"]) =>
  request<Broadcast>(base, { method: "POST", json: draft });
export const saveBroadcast = (id: string, patch: Schemas["BroadcastPatch"]) =>
  request<Broadcast>(`${base}/${id}`, { method: "PATCH", json: patch });
export const deleteBroadcast = (id: string) => request<void>(`${base}/${id}`, { method: "DELETE" });
export const broadcastStats = (id: string) => request<Stats>(`${base}/${id}/stats`);
export const runStats = (id: string, run: number) =>
  request<Stats>(`${base}/${id}/stats?run=${run}`);
export const listRuns = (id: string) =>
  request<{ data: Run[] }>(`${base}/${id}/runs`).then((answer) => answer.data);
/** Adds the contacts a CSV file names to a saved draft's audience. */
export const uploadAudienceCsv = (id: string, file: File) =>
  request<CsvResult>(`${base}/${id}/audience/csv`, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: file,
  });
export const actOn = (id: string, verb: "start" | "pause" | "resume" | "cancel") =>
  request<Broadcast>(`${base}/${id}/${verb}`, { method: "POST" });
export const pickWinner = (id: string, variant: string) =>
  request<Broadcast>(`${base}/${id}/pick-winner`, { method: "POST", json: { variant } });
export const retryFailed = (id: string) =>
  request<{ requeued: number }>(`${base}/${id}/retry-failed`, { method: "POST" });

export function listRecipients(
  id: string,
  filter: { status: RecipientStatus | ""; run: number | null },
  cursor: string | null,
) {
  const params = new URLSearchParams({ limit: "50" });
  if (filter.status) params.set("status", filter.status);
  if (filter.run !== null) params.set("run", String(filter.run));
  if (cursor) params.set("cursor", cursor);
  return request<RecipientPage>(`${base}/${id}/recipients?${params}`);
}

export const listChannels = () =>
  request<{ data: Channel[] }>("/api/v1/channels").then((answer) => answer.data);
export const listSnippets = () =>
  request<{ data: Snippet[] }>("/api/v1/snippets").then((answer) => answer.data);

/** A text as this contact would read it, filled by the server's variable engine. */
export const renderFor = (contactId: string, text: string, signal?: AbortSignal) =>
  request<{ text: string; missing: string[] }>(`/api/v1/contacts/${contactId}/render`, {
    method: "POST",
    json: { text },
    signal,
  });

/** Of the targeted, how many are done with (sent, failed or excluded), as a share 0–1. */
export function progressOf(stats: Stats) {
  if (!stats.targeted) return 0;
  return Math.min(1, (stats.sent + stats.failed + stats.excluded) / stats.targeted);
}

// contacts picked on the contacts screen reach the builder through the tab's session storage:
// a selection can be longer than an address may be
const PICKED = "conversa.broadcast.contacts";

export function pickContactsForBroadcast(ids: string[]) {
  sessionStorage.setItem(PICKED, JSON.stringify(ids));
}

/** The contacts picked on the contacts screen, once (the builder takes them). */
export function takePickedContacts(): string[] {
  const raw = sessionStorage.getItem(PICKED);
  sessionStorage.removeItem(PICKED);
  try {
    const ids = raw ? JSON.parse(raw) : [];
    return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
  } catch {
    return [];
  }
}
