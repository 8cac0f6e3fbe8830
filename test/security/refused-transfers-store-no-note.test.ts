import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { memberships } from "../../worker/db/schema";
import type { MessageDto } from "../../worker/schemas/conversations";
import { api, db, expectProblem, json, newVisitorConversation } from "../helpers";

async function setup() {
  const { ws, conversationId: id } = await newVisitorConversation("who can help?");
  const stored = async () => {
    const rows = await env.DB.batch([
      env.DB.prepare("SELECT * FROM conversations WHERE id = ?").bind(id),
      env.DB.prepare("SELECT * FROM messages WHERE conversation_id = ? ORDER BY seq").bind(id),
    ]);
    const messages = await json<{ data: MessageDto[] }>(
      await api(`/api/v1/conversations/${id}/messages`, { cookie: ws.ownerCookie }),
    );
    return JSON.stringify([...rows.map((r) => r.results), messages.data]);
  };
  const transfer = (body: Record<string, unknown>) =>
    api(`/api/v1/conversations/${id}/transfer`, { cookie: ws.ownerCookie, body });
  return { ws, id, stored, transfer };
}

describe("a transfer refused with 422", () => {
  it("stores neither its note nor any move, whichever part is refused", async () => {
    const { ws, stored, transfer } = await setup();
    const inactive = await ws.addMember("agent");
    await db()
      .update(memberships)
      .set({ active: false })
      .where(and(eq(memberships.workspaceId, ws.id), eq(memberships.userId, inactive.id)));
    const team = await json<{ id: string }>(
      await api("/api/v1/teams", { cookie: ws.ownerCookie, body: { name: "Billing" } }),
    );
    const before = await stored();
    const refusals: [Record<string, unknown>, string][] = [
      [{ user_id: "usr_nobody", note: "over to you" }, "user_id"],
      [{ user_id: inactive.id, note: "over to you" }, "user_id"],
      [{ team_id: team.id, user_id: "usr_nobody", note: "billing question" }, "user_id"],
      [{ team_id: "team_nowhere", note: "billing question" }, "team_id"],
    ];
    for (const [body, path] of refusals) {
      const problem = await expectProblem(await transfer(body), 422);
      expect(problem.errors?.[0]?.path, JSON.stringify(body)).toBe(path);
      expect(await stored(), JSON.stringify(body)).toBe(before);
    }

    const accepted = await transfer({ team_id: team.id, note: "billing question" });
    expect(accepted.status).toBe(200);
    expect(await stored()).toContain("billing question");
  });
});
