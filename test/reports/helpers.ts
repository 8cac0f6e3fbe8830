import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { createApp } from "../../worker/app";
import { createDb } from "../../worker/db/client";
import { contacts, workspaces } from "../../worker/db/schema";
import { openConversation } from "../../worker/domain/messaging/conversations";
import { projectMessages } from "../../worker/domain/messaging/projection";
import { newId } from "../../worker/lib/ids";
import { api, db, json, ORIGIN } from "../helpers";

/** The API as it answers at `at`: agents' replies and status changes are stamped then. */
export function apiAt(at: number, cookie: string) {
  const app = createApp({ clock: { now: () => at } });
  return (path: string, body: unknown) =>
    app.request(
      `${ORIGIN}${path}`,
      {
        method: "POST",
        headers: { "content-type": "application/json", cookie, origin: ORIGIN },
        body: JSON.stringify(body),
      },
      env,
      createExecutionContext(),
    );
}

/** A conversation opened at `at` on the channel, with a new contact. */
export async function conversationAt(workspaceId: string, channelId: string, at: number) {
  const contactId = newId("ct", at);
  await db()
    .insert(contacts)
    .values({ id: contactId, workspaceId, name: "Reader", createdAt: at, updatedAt: at });
  return openConversation(createDb(env.DB), env, { workspaceId, channelId, contactId }, at);
}

let seq = 1000;

/**
 * A message written into the inbox projection at `at`, as the conversation's object projects
 * it: from the customer, or out to them from a bot. `again` projects it twice, as a retried
 * projection does.
 */
export async function projectedAt(
  workspaceId: string,
  conversationId: string,
  at: number,
  from: "customer" | "bot" = "customer",
  again = false,
) {
  seq += 1;
  const item = {
    ref: { workspaceId, conversationId },
    message: {
      id: newId("msg", at),
      seq,
      kind: "text" as const,
      senderType: from === "customer" ? ("contact" as const) : ("bot" as const),
      senderId: null,
      text: from === "customer" ? "Hello?" : "We are on it",
      senderName: null,
      hasAttachment: false,
      origin: from === "bot" ? ("automation" as const) : null,
      status: from === "bot" ? ("sent" as const) : null,
      statusReason: null,
      createdAt: at,
    },
  };
  await projectMessages(env.DB, [item]);
  if (again) await projectMessages(env.DB, [item]);
}

/** Office hours (weekdays 09:00–17:00 in Madrid) as the workspace's business hours. */
export async function officeHours(workspaceId: string, cookie: string) {
  const weekdays = [1, 2, 3, 4, 5].map((day) => ({ day, open: "09:00", close: "17:00" }));
  const response = await api("/api/v1/business-hours", {
    cookie,
    body: { name: "Office", timezone: "Europe/Madrid", weekly: weekdays },
  });
  const hours = await json<{ id: string }>(response);
  await db()
    .update(workspaces)
    .set({ businessHoursId: hours.id })
    .where(eq(workspaces.id, workspaceId));
}
