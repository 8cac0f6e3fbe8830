import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { messages } from "../../worker/db/schema";
import { catchUpMessageStatuses } from "../../worker/domain/broadcasts/responses";
import { newAutomation, runsOf } from "../automations/helpers";
import { eventually, scriptFake } from "../channel-helpers";
import { api, db, json } from "../helpers";
import {
  act,
  addContacts,
  customerWrites,
  finished,
  ledgerOf,
  newBroadcast,
  setup,
  statsOf,
} from "./helpers";

describe("broadcast replies and failures", () => {
  it("a contact's reply marks them replied and starts automations on broadcast.replied", async () => {
    const s = await setup();
    const automation = await newAutomation(s.cookie, {
      trigger: { type: "broadcast.replied" },
      steps: [{ id: "tag", type: "add_tag", tag: "answered-sale" }],
    });
    const [replier, silent] = await addContacts(s, 2);
    if (!replier || !silent) throw new Error("two readers");
    const broadcast = await newBroadcast(s);
    await act(s, broadcast.id, "start");
    await finished(s, broadcast.id);
    expect((await customerWrites(s, replier.chatId, "Is the blue one on sale?")).status).toBe(200);
    const replied = await eventually(async () => {
      const stats = await statsOf(s, broadcast.id);
      return stats.replied === 1 ? stats : undefined;
    }, "the reply counted");
    expect(replied).toMatchObject({ sent: 2, replied: 1 });
    const ledger = await ledgerOf(s.ws.id, broadcast.id);
    expect(ledger.find((r) => r.contactId === replier.id)?.repliedAt).toBeGreaterThan(0);
    expect(ledger.find((r) => r.contactId === silent.id)?.repliedAt).toBeNull();
    const runs = await eventually(async () => {
      const page = await runsOf(s.cookie, automation.id);
      return page.data.length ? page.data : undefined;
    }, "the automation ran");
    expect(runs.map((r) => r.contact_id)).toEqual([replier.id]);
    const contact = await eventually(async () => {
      const found = await json<{ tags: string[] }>(
        await api(`/api/v1/contacts/${replier.id}`, { cookie: s.cookie }),
      );
      return found.tags.includes("answered-sale") ? found : undefined;
    }, "the replier tagged");
    expect(contact.tags).toContain("answered-sale");
    // a second message is no second reply to the same broadcast
    await customerWrites(s, replier.chatId, "Hello?");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await statsOf(s, broadcast.id)).replied).toBe(1);
    expect((await runsOf(s.cookie, automation.id)).data).toHaveLength(1);
  });

  it("the platform's refusal is recorded with its reason, and retry-failed sends again", async () => {
    const s = await setup();
    const [refused] = await addContacts(s, 1);
    if (!refused) throw new Error("a reader");
    await scriptFake({
      path: `/bot${s.botToken}/sendMessage`,
      status: 403,
      body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
      times: 1,
    });
    const broadcast = await newBroadcast(s);
    await act(s, broadcast.id, "start");
    const failed = await eventually(async () => {
      const stats = await statsOf(s, broadcast.id);
      return stats.failed === 1 ? stats : undefined;
    }, "the failure recorded");
    expect(failed).toMatchObject({ sent: 0, failed: 1 });
    const list = await json<{ data: { contact_id: string; reason: string }[] }>(
      await api(`/api/v1/broadcasts/${broadcast.id}/recipients?status=failed`, {
        cookie: s.cookie,
      }),
    );
    expect(list.data).toEqual([
      expect.objectContaining({ contact_id: refused.id, reason: expect.stringMatching(/blocked/) }),
    ]);
    const retry = await api(`/api/v1/broadcasts/${broadcast.id}/retry-failed`, {
      cookie: s.cookie,
      method: "POST",
    });
    expect(await json(retry)).toEqual({ requeued: 1 });
    const stats = await eventually(async () => {
      const now = await statsOf(s, broadcast.id);
      return now.status === "completed" && now.sent === 1 ? now : undefined;
    }, "sent on retry");
    expect(stats.failed).toBe(0);
  });

  it("a refusal that came back before its send was recorded is applied once it is", async () => {
    const s = await setup();
    await addContacts(s, 2);
    const broadcast = await newBroadcast(s);
    await act(s, broadcast.id, "start");
    await finished(s, broadcast.id);
    const [first, second] = await ledgerOf(s.ws.id, broadcast.id);
    if (!first?.conversationId || first.seq === null || !second?.conversationId)
      throw new Error("two recorded sends");
    // the history holds the refusal the ledger missed; the other message went out fine
    await db()
      .update(messages)
      .set({ status: "failed", statusReason: "Forbidden: bot was blocked by the user" })
      .where(and(eq(messages.conversationId, first.conversationId), eq(messages.seq, first.seq)));
    const sent = [first, second].map((row) => ({
      conversationId: row.conversationId as string,
      seq: row.seq as number,
    }));
    await catchUpMessageStatuses(db(), s.ws.id, sent, Date.now());
    const after = await ledgerOf(s.ws.id, broadcast.id);
    expect(after.find((r) => r.contactId === first.contactId)).toMatchObject({
      status: "failed",
      reason: "Forbidden: bot was blocked by the user",
    });
    expect(after.find((r) => r.contactId === second.contactId)?.status).toBe("sent");
    expect(await statsOf(s, broadcast.id)).toMatchObject({ sent: 1, failed: 1 });
  });
});
