import { eq } from "drizzle-orm";
import { conversations } from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { Db, Principal } from "../../lib/context";
import { record } from "../events/record";
import { actorName, assignConversation, checkAssignee } from "../messaging/conversation-actions";
import { getConversation } from "../messaging/conversations";
import { conversationStub, hubFor } from "../messaging/stubs";
import { checkTeams } from "./teams";

/**
 * Moves a conversation to a team and/or agent, with an optional note for the next person.
 * Sent to a team without an agent, it waits there for auto-assignment.
 */
export async function transferConversation(
  db: Db,
  env: Env,
  principal: Principal,
  id: string,
  target: {
    team_id?: string | null | undefined;
    user_id?: string | null | undefined;
    note?: string | undefined;
  },
) {
  const current = await getConversation(db, principal.workspaceId, id);
  const teamId = target.team_id === undefined ? current.team_id : target.team_id;
  const assignee =
    target.user_id !== undefined
      ? target.user_id
      : target.team_id !== undefined
        ? null
        : current.assignee_id;
  // everything is checked before the note, the team or the assignee is written
  await checkTeams(db, principal.workspaceId, [["team_id", teamId]]);
  if (assignee && assignee !== current.assignee_id)
    await checkAssignee(db, principal.workspaceId, assignee);
  const name = await actorName(db, principal);
  if (target.note)
    await conversationStub(env, id).append({
      kind: "note",
      sender: { type: "agent", id: principal.userId, name },
      text: target.note,
    });
  if (teamId !== current.team_id) {
    await db
      .update(conversations)
      .set({ teamId })
      .where(inWorkspace(conversations, principal.workspaceId, eq(conversations.id, id)));
    await conversationStub(env, id).append({
      kind: "event",
      sender: { type: "system", id: principal.userId, name },
      event: {
        type: "transferred",
        data: {
          from_team: current.team_id,
          to_team: teamId,
          ...(target.note ? { note: target.note } : {}),
        },
      },
    });
  }
  await assignConversation(db, env, principal, id, assignee);
  if (teamId && assignee === null)
    await hubFor(env, principal.workspaceId).assignWaiting(principal.workspaceId, teamId);
  const conversation = await getConversation(db, principal.workspaceId, id);
  await record({ db, env }, principal.workspaceId, {
    type: "conversation.transferred",
    conversation,
    from_team: current.team_id,
    to_team: teamId,
  });
  return conversation;
}
