import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contacts } from "../../worker/db/schema";
import { runPeriodicJobs } from "../../worker/scheduled";
import { refusedPaths } from "../automations/helpers";
import { eventually } from "../channel-helpers";
import { api, db } from "../helpers";
import {
  addContacts,
  finished,
  ledgerOf,
  newBroadcast,
  sendsByChat,
  setup,
  statsOf,
} from "./helpers";

const tick = (iso: string) => runPeriodicJobs(env, Date.parse(iso));
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("broadcasts at each recipient's local time", () => {
  it("reaches each contact at 09:00 on their own clock, the workspace's for those without one", async () => {
    const s = await setup();
    const [tokyo, plain, newYork] = await addContacts(s, 3);
    if (!tokyo || !plain || !newYork) throw new Error("three readers");
    const zoned = { [tokyo.id]: "Asia/Tokyo", [newYork.id]: "America/New_York" };
    for (const [id, timezone] of Object.entries(zoned))
      await db()
        .update(contacts)
        .set({ timezone })
        .where(and(eq(contacts.workspaceId, s.ws.id), eq(contacts.id, id)));
    const broadcast = await newBroadcast(s, { schedule: { send_at_local: "2030-06-01T09:00" } });
    // the first place to reach 09:00 is UTC+14, at 19:00 UTC the day before
    expect(broadcast).toMatchObject({ status: "scheduled", send_at: "2030-05-31T19:00:00.000Z" });
    await tick("2030-05-31T18:59:00Z");
    expect((await statsOf(s, broadcast.id)).status).toBe("scheduled");
    await tick("2030-05-31T19:00:00Z");
    const ledger = await eventually(async () => {
      const rows = await ledgerOf(s.ws.id, broadcast.id);
      return rows.length === 3 ? rows : undefined;
    }, "the audience in the ledger");
    const due = Object.fromEntries(ledger.map((r) => [r.contactId, r.dueAt]));
    expect(due).toEqual({
      [tokyo.id]: Date.parse("2030-06-01T00:00:00Z"),
      [plain.id]: Date.parse("2030-06-01T09:00:00Z"),
      [newYork.id]: Date.parse("2030-06-01T13:00:00Z"),
    });
    const sentTo = async () => [...(await sendsByChat(s)).keys()].sort();
    await tick("2030-05-31T23:59:00Z");
    await pause(1000);
    expect(await sentTo()).toEqual([]);
    const steps: [string, string[]][] = [
      ["2030-06-01T00:00:00Z", [tokyo.chatId]],
      ["2030-06-01T09:00:00Z", [tokyo.chatId, plain.chatId]],
      ["2030-06-01T13:00:00Z", [tokyo.chatId, plain.chatId, newYork.chatId]],
    ];
    for (const [at, chats] of steps) {
      await tick(at);
      const expected = [...chats].sort();
      await eventually(
        async () => JSON.stringify(await sentTo()) === JSON.stringify(expected),
        `sent to ${chats.length} by ${at}`,
      );
    }
    expect(await finished(s, broadcast.id)).toMatchObject({ sent: 3, queued: 0 });
    await tick("2030-06-01T13:01:00Z");
    await pause(1000);
    for (const count of (await sendsByChat(s)).values()) expect(count).toBe(1);
  });

  it("refuses a local time that is not on the calendar, past everywhere, or given with send_at", async () => {
    const s = await setup();
    const post = (body: Record<string, unknown>) =>
      api("/api/v1/broadcasts", {
        cookie: s.cookie,
        body: {
          name: "Local",
          channel_id: s.channel.id,
          audience: { tags: ["news"] },
          message: { text: "Hi" },
          ...body,
        },
      });
    const local = (send_at_local: string) => ({ schedule: { send_at_local } });
    expect(await refusedPaths(await post(local("2030-02-30T09:00")))).toEqual([
      "schedule.send_at_local",
    ]);
    expect(await refusedPaths(await post(local("2020-01-01T09:00")))).toEqual([
      "schedule.send_at_local",
    ]);
    const both = { ...local("2030-06-01T09:00"), send_at: "2030-06-01T09:00:00Z" };
    expect(await refusedPaths(await post(both))).toEqual(["send_at"]);
    const list = await api("/api/v1/broadcasts", { cookie: s.cookie });
    expect(((await list.json()) as { data: unknown[] }).data).toEqual([]);
  });
});
