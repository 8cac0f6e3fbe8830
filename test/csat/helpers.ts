import { and, eq } from "drizzle-orm";
import { csatResponses } from "../../worker/db/schema";
import type { ConversationDto } from "../../worker/schemas/conversations";
import { eventually } from "../channel-helpers";
import { api, db, json } from "../helpers";

/** Closes the conversation as its agent would. */
export async function closeConversation(cookie: string, conversationId: string) {
  const response = await api(`/api/v1/conversations/${conversationId}/status`, {
    cookie,
    body: { status: "closed" },
  });
  if (response.status !== 200) throw new Error(`close: ${await response.text()}`);
  return json<ConversationDto>(response);
}

/** The conversation's surveys, oldest first. */
export const surveysOf = (workspaceId: string, conversationId: string) =>
  db().query.csatResponses.findMany({
    where: and(
      eq(csatResponses.workspaceId, workspaceId),
      eq(csatResponses.conversationId, conversationId),
    ),
    orderBy: csatResponses.askedAt,
  });

/** The conversation's survey once the close has sent it. */
export const surveyOnceAsked = (workspaceId: string, conversationId: string) =>
  eventually(async () => (await surveysOf(workspaceId, conversationId))[0], "the survey");

/** The workspace's conversations on a channel, newest first. */
export async function conversationsOn(cookie: string, channelId: string) {
  const list = await json<{ data: ConversationDto[] }>(
    await api("/api/v1/conversations?view=all", { cookie }),
  );
  return list.data.filter((c) => c.channel_id === channelId);
}
