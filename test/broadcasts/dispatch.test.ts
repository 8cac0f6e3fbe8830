import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { broadcasts, contactIdentities, contacts } from "../../worker/db/schema";
import { inWorkspace } from "../../worker/db/scope";
import { expandPage } from "../../worker/domain/broadcasts/audience";
import { getBroadcast } from "../../worker/domain/broadcasts/broadcasts";
import { claimRecipient, SEND_LEASE_MS } from "../../worker/domain/broadcasts/claims";
import { sendJobs } from "../../worker/domain/broadcasts/jobs";
import { markExpanded, ONCE, openRun } from "../../worker/domain/broadcasts/runs";
import { recipientsFacts, sendToRecipient } from "../../worker/domain/broadcasts/send";
import { getChannelRow } from "../../worker/domain/channels/channels";
import { eventually, fakeRequests, scriptFake } from "../channel-helpers";
import { api, json } from "../helpers";
import { planOf, recordingDb } from "../recorded-statements";
import {
  act,
  addContacts,
  consume,
  finished,
  ledgerOf,
  newBroadcast,
  type Setup,
  sendsByChat,
  setup,
  statsOf,
} from "./helpers";

const workerDb = () => createDb(env.DB);

/** A started broadcast whose sends this test hands to the consumer itself. */
async function startedByHand(s: Setup, n: number) {
  const readers = await addContacts(s, n);
  const broadcast = await newBroadcast(s);
  await act(s, broadcast.id, "start");
  // the audience goes in (and its sends out) through the real queue: wait for the ledger
  await eventually(
    async () => (await ledgerOf(s.ws.id, broadcast.id)).length === n,
    "the ledger filled",
  );
  return { readers, broadcast };
}

/** A broadcast running with its audience put in the ledger by hand: no queued send races the test. */
async function runningByHand(s: Setup, n: number) {
  const readers = await addContacts(s, n);
  const broadcast = await newBroadcast(s);
  const db = workerDb();
  await db
    .update(broadcasts)
    .set({ status: "running", startedAt: Date.now() })
    .where(and(eq(broadcasts.workspaceId, s.ws.id), eq(broadcasts.id, broadcast.id)));
  const running = await getBroadcast(db, s.ws.id, broadcast.id);
  const opened = await openRun(db, running, ONCE, Date.now());
  const job = { workspaceId: s.ws.id, broadcastId: broadcast.id, run: opened?.run ?? 0 };
  await expandPage(db, running, { run: job.run, pass: "rules", after: null }, Date.now());
  await markExpanded(db, job, Date.now());
  return { readers, broadcast, job };
}

describe("broadcast dispatch", () => {
  it("sends once to each reachable contact; opt-outs and contacts without the channel are counted apart", async () => {
    const s = await setup();
    const readers = await addContacts(s, 4);
    await addContacts(s, 2, "opted_out");
    await addContacts(s, 1, "no_address");
    const broadcast = await newBroadcast(s);
    await act(s, broadcast.id, "start");
    const stats = await finished(s, broadcast.id);
    expect(stats).toMatchObject({
      targeted: 7,
      excluded: 3,
      excluded_by_reason: { opted_out: 2, no_address: 1 },
      sent: 4,
      queued: 0,
      failed: 0,
    });
    const sends = await eventually(async () => {
      const counts = await sendsByChat(s);
      return counts.size === 4 ? counts : undefined;
    }, "four chats written to");
    for (const reader of readers) expect(sends.get(reader.chatId)).toBe(1);
    // the message is a normal outbound message in the contact's conversation, variables filled
    const [first] = await ledgerOf(s.ws.id, broadcast.id).then((rows) =>
      rows.filter((r) => r.status === "sent"),
    );
    const messages = await json<{ data: { text: string; sender: { name: string } }[] }>(
      await api(`/api/v1/conversations/${first?.conversationId}/messages?after_seq=0`, {
        cookie: s.cookie,
      }),
    );
    expect(messages.data.map((m) => [m.text, m.sender.name])).toEqual([
      [expect.stringMatching(/^Hello Reader \d+, the sale starts today$/), "Winter sale"],
    ]);
    // and the sent-message history lists it as the broadcast's, sent automatically
    const history = await json<{ data: { kind: string; sender: { type: string } }[] }>(
      await api(`/api/v1/outbound-messages?contact_id=${first?.contactId}`, { cookie: s.cookie }),
    );
    expect(history.data.map((m) => [m.kind, m.sender.type])).toEqual([["automatic", "broadcast"]]);
    const excluded = await json<{ data: { status: string; reason: string }[] }>(
      await api(`/api/v1/broadcasts/${broadcast.id}/recipients?status=excluded`, {
        cookie: s.cookie,
      }),
    );
    expect(excluded.data.map((r) => r.reason).sort()).toEqual([
      "no_address",
      "opted_out",
      "opted_out",
    ]);
  });

  it("a segment and named contacts together reach each contact once", async () => {
    const s = await setup();
    const tagged = await addContacts(s, 3, "reachable", "vip");
    const [extra] = await addContacts(s, 1, "reachable", "other");
    if (!extra) throw new Error("one more reader");
    const segment = await json<{ id: string }>(
      await api("/api/v1/segments", {
        cookie: s.cookie,
        body: {
          name: "VIPs",
          rules: { groups: [{ rules: [{ type: "tag", operator: "has_any", tags: ["vip"] }] }] },
        },
      }),
    );
    const named = [tagged[0]?.id ?? "", extra.id];
    const broadcast = await newBroadcast(s, {
      audience: { segment_id: segment.id, contact_ids: named },
    });
    await act(s, broadcast.id, "start");
    expect(await finished(s, broadcast.id)).toMatchObject({ targeted: 4, sent: 4, excluded: 0 });
    const sends = await eventually(async () => {
      const counts = await sendsByChat(s);
      return counts.size === 4 ? counts : undefined;
    }, "four chats written to");
    for (const reader of [...tagged, extra]) expect(sends.get(reader.chatId)).toBe(1);
  });

  it("a redelivered batch and a second audience pass send nothing twice", async () => {
    const s = await setup();
    const { readers, broadcast } = await startedByHand(s, 3);
    await finished(s, broadcast.id);
    const run = { workspaceId: s.ws.id, broadcastId: broadcast.id, run: 1 };
    const ids = readers.map((r) => r.id);
    // the same batch, delivered twice more, and the audience expanded again
    await consume([...sendJobs(run, ids), ...sendJobs(run, ids)]);
    await consume([{ kind: "expand", ...run, after: null }]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await ledgerOf(s.ws.id, broadcast.id)).toHaveLength(3);
    const sends = await sendsByChat(s);
    for (const reader of readers) expect(sends.get(reader.chatId)).toBe(1);
  });

  it("a send whose consumer died after its claim (or after writing) is taken again once its lease runs out, and sent once", async () => {
    const s = await setup();
    const { readers, broadcast, job } = await runningByHand(s, 2);
    const db = workerDb();
    const [died, wrote] = readers;
    if (!died || !wrote) throw new Error("two readers");
    const now = Date.now();
    // both claimed by a consumer that then dies: one before writing, one after
    const claims = await Promise.all([
      claimRecipient(db, job, died.id, now),
      claimRecipient(db, job, wrote.id, now),
    ]);
    const row = await getBroadcast(db, s.ws.id, broadcast.id);
    const channel = await getChannelRow(db, s.ws.id, s.channel.id);
    await sendToRecipient(
      db,
      env,
      row,
      channel,
      { contactId: wrote.id, run: job.run, round: 0 },
      (await recipientsFacts(db, channel, [wrote.id])).get(wrote.id),
      now,
    );
    // within the lease, another delivery leaves them alone
    const during = claims.every((c) => c.kind === "claimed")
      ? await claimRecipient(db, job, died.id, now + 1000)
      : null;
    expect(during).toEqual({ kind: "held", until: now + SEND_LEASE_MS });
    // past it, the redelivered batch takes both again
    const later = now + SEND_LEASE_MS + 1000;
    await consume(sendJobs(job, [died.id, wrote.id]), () => later);
    const ledger = await ledgerOf(s.ws.id, broadcast.id);
    expect(ledger.map((r) => r.status)).toEqual(["sent", "sent"]);
    const sends = await eventually(async () => {
      const counts = await sendsByChat(s);
      return counts.size === 2 ? counts : undefined;
    }, "both written to");
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(sends.get(died.chatId)).toBe(1);
    expect((await sendsByChat(s)).get(wrote.chatId)).toBe(1);
    expect((await statsOf(s, broadcast.id)).status).toBe("completed");
  });

  it("sends side by side keep the pacer's turns, and a batch delivered twice at once sends each recipient once", async () => {
    // 10 messages a second: broadcasts get 8, one turn every 125 ms
    const s = await setup(10);
    const { readers, broadcast, job } = await runningByHand(s, 12);
    const ids = readers.map((r) => r.id);
    await Promise.all([consume(sendJobs(job, ids)), consume(sendJobs(job, ids))]);
    const ledger = await ledgerOf(s.ws.id, broadcast.id);
    expect(ledger.map((r) => r.status)).toEqual(Array(12).fill("sent"));
    const turns = ledger.map((r) => r.sentAt ?? 0).sort((a, b) => a - b);
    const gaps = turns.slice(1).map((at, i) => at - (turns[i] ?? 0));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(120);
    const sends = await eventually(async () => {
      const counts = await sendsByChat(s);
      return counts.size === 12 ? counts : undefined;
    }, "twelve chats written to");
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const reader of readers) expect(sends.get(reader.chatId)).toBe(1);
    expect([...(await sendsByChat(s)).values()].every((n) => n === 1)).toBe(true);
    expect((await statsOf(s, broadcast.id)).status).toBe("completed");
  });

  it("sends the platform turned away go again at the broadcast's pace, not in a burst", async () => {
    // 10 messages a second: broadcasts get 8, one turn every 125 ms, retries included
    const s = await setup(10);
    const { readers, job } = await runningByHand(s, 8);
    const sendPath = `/bot${s.botToken}/sendMessage`;
    const badGateway = { ok: false, error_code: 502, description: "Bad Gateway" };
    await scriptFake({ path: sendPath, status: 502, body: badGateway, times: 8 });
    const ids = readers.map((r) => r.id);
    await consume(sendJobs(job, ids));
    const requests = await eventually(async () => {
      const all = await fakeRequests(sendPath);
      return all.filter((r) => r.response?.status === 200).length === 8 ? all : undefined;
    }, "every reader's retry accepted");
    expect(requests).toHaveLength(16);
    // eight turns 125 ms apart span 875 ms, first tries and retries alike (a burst spans a few)
    const arrivals = requests.map((r) => r.at).sort((a, b) => a - b);
    const span = (times: number[]) => (times.at(-1) ?? 0) - (times[0] ?? 0);
    expect(span(arrivals.slice(0, 8))).toBeGreaterThanOrEqual(700);
    expect(span(arrivals.slice(8))).toBeGreaterThanOrEqual(700);
    for (const reader of readers) expect((await sendsByChat(s)).get(reader.chatId)).toBe(2);
    // each chat's retry waited its backoff after its own first try
    for (const reader of readers) {
      const tries = requests
        .filter((r) => String(JSON.parse(r.body).chat_id) === reader.chatId)
        .map((r) => r.at);
      expect(span(tries)).toBeGreaterThanOrEqual(1000);
    }
  });

  it("the audience's and the sends' address lookups take the contact's identity by its own index, not a scan of the channel's identities", async () => {
    const s = await setup();
    const { readers, broadcast } = await runningByHand(s, 3);
    const running = await getBroadcast(workerDb(), s.ws.id, broadcast.id);
    const channel = await getChannelRow(workerDb(), s.ws.id, s.channel.id);
    const { db, run } = recordingDb();
    await expandPage(db, running, { run: 1, pass: "rules", after: null }, Date.now());
    await recipientsFacts(
      db,
      channel,
      readers.map((r) => r.id),
    );
    const lookups = run.filter((statement) => statement.sql.includes('"contact_identities"'));
    expect(lookups.length).toBeGreaterThanOrEqual(2);
    for (const statement of lookups) {
      const steps = (await planOf(statement)).filter((d) => d.includes("contact_identities"));
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps)
        expect(step).toMatch(
          /contact_identities USING (COVERING )?INDEX contact_identities_contact_idx \(contact_id=\? AND workspace_id=\? AND kind=\?\)/,
        );
    }
  });

  it("a contact who opted out, was deleted or lost the address after the audience went in is refused at its send, with the reason", async () => {
    const s = await setup();
    const { readers, broadcast, job } = await runningByHand(s, 4);
    const [optedOut, deleted, unreachable, reached] = readers;
    if (!optedOut || !deleted || !unreachable || !reached) throw new Error("four readers");
    const db = workerDb();
    const stop = { telegram: { status: "opted_out" as const, at: Date.now(), source: "keyword" } };
    await db
      .update(contacts)
      .set({ consent: stop })
      .where(inWorkspace(contacts, s.ws.id, eq(contacts.id, optedOut.id)));
    await db.delete(contacts).where(inWorkspace(contacts, s.ws.id, eq(contacts.id, deleted.id)));
    await db
      .delete(contactIdentities)
      .where(
        inWorkspace(contactIdentities, s.ws.id, eq(contactIdentities.contactId, unreachable.id)),
      );
    await consume(
      sendJobs(
        job,
        readers.map((r) => r.id),
      ),
    );
    const outcomes = await eventually(async () => {
      const ledger = await ledgerOf(s.ws.id, broadcast.id);
      const byContact = new Map(ledger.map((r) => [r.contactId, [r.status, r.reason]]));
      return byContact.get(unreachable.id)?.[0] === "failed" ? byContact : undefined;
    }, "the unreachable contact's message failed");
    expect(outcomes.get(optedOut.id)).toEqual([
      "failed",
      "The contact has opted out of messages on this channel",
    ]);
    expect(outcomes.get(deleted.id)).toEqual(["failed", "The contact was deleted."]);
    expect(outcomes.get(unreachable.id)).toEqual([
      "failed",
      "The contact has no address on this channel.",
    ]);
    expect(outcomes.get(reached.id)?.[0]).toBe("sent");
    expect([...(await sendsByChat(s)).keys()]).toEqual([reached.chatId]);
  });
});
