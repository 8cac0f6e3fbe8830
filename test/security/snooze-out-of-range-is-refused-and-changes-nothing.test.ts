import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { changeStatus } from "../../worker/domain/messaging/conversation-actions";
import type { MessageDto } from "../../worker/schemas/conversations";
import { api, expectProblem, json, newVisitorConversation } from "../helpers";

async function setup() {
  const { ws, conversationId: id } = await newVisitorConversation("later, please");
  const stored = () =>
    env.DB.prepare("SELECT status, snooze_until, last_activity_at FROM conversations WHERE id = ?")
      .bind(id)
      .first();
  const events = async () =>
    (
      await json<{ data: MessageDto[] }>(
        await api(`/api/v1/conversations/${id}/messages`, { cookie: ws.ownerCookie }),
      )
    ).data.filter((m) => m.kind === "event");
  return { ws, id, stored, events };
}

describe("snoozing out of range", () => {
  it("is a 422 on snooze_until for dates past what an alarm can hold, and stores nothing", async () => {
    const { ws, id, stored, events } = await setup();
    const before = await stored();
    for (const until of [
      "2190-01-01T00:00:00.000Z",
      "2300-01-01T00:00:00.000Z",
      "9999-12-31T23:59:59.999Z",
    ]) {
      const refused = await expectProblem(
        await api(`/api/v1/conversations/${id}/status`, {
          cookie: ws.ownerCookie,
          body: { status: "snoozed", snooze_until: until },
        }),
        422,
      );
      expect(refused.errors?.[0]?.path).toBe("snooze_until");
    }
    expect(await stored()).toEqual(before);
    expect(await events()).toEqual([]);
  });

  it("changes nothing in D1 when the conversation's object cannot set the alarm", async () => {
    const { ws, id, stored, events } = await setup();
    const before = await stored();
    // seen from a clock in 2299, a snooze to 2300 is in range, but no alarm can be set past 2189
    const now = Date.parse("2299-06-01T00:00:00.000Z");
    const principal = {
      workspaceId: ws.id,
      role: "owner" as const,
      userId: ws.owner.id,
      apiKeyId: null,
      via: "session" as const,
      sessionIdHash: null,
    };
    await expect(
      changeStatus(
        createDb(env.DB),
        env,
        principal,
        id,
        { status: "snoozed", snoozeUntil: Date.parse("2300-01-01T00:00:00.000Z") },
        now,
      ),
    ).rejects.toMatchObject({
      status: 422,
      extra: { errors: [{ path: "snooze_until", message: "is later than a wake-up can be set" }] },
    });
    expect(await stored()).toEqual(before);
    expect(await events()).toEqual([]);
    // and the object still takes a snooze it can hold
    const later = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = await api(`/api/v1/conversations/${id}/status`, {
      cookie: ws.ownerCookie,
      body: { status: "snoozed", snooze_until: later },
    });
    expect(snoozed.status).toBe(200);
  });
});
