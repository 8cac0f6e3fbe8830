import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { decideWinners } from "../../worker/domain/broadcasts/variants";
import { PERIODIC_JOBS, runPeriodicJobs } from "../../worker/scheduled";
import { refusedPaths } from "../automations/helpers";
import { eventually } from "../channel-helpers";
import { api, expectProblem, json } from "../helpers";
import {
  act,
  addContacts,
  customerWrites,
  finished,
  ledgerOf,
  newBroadcast,
  type Setup,
  setup,
  statsOf,
  textsByChat,
} from "./helpers";

const HOUR = 3_600_000;

const abTest = (split: Record<string, unknown> = {}) => ({
  message: undefined,
  variants: [
    { key: "A", message: { text: "Offer A for {{contact.name}}" } },
    { key: "B", message: { text: "Offer B for {{contact.name}}" } },
  ],
  split: { sample_percent: 50, winner_by: "replies", decide_after_hours: 2, ...split },
});

/** Waits until the sample is sent and the rest is held. */
const sampleSent = (s: Setup, id: string, sent: number) =>
  eventually(async () => {
    const stats = await statsOf(s, id);
    return stats.sent === sent && stats.queued === 0 ? stats : undefined;
  }, "the sample sent");

const pick = (s: Setup, id: string, variant: string) =>
  api(`/api/v1/broadcasts/${id}/pick-winner`, { cookie: s.cookie, body: { variant } });

describe("broadcast A/B tests", () => {
  it("sends an even sample, holds the rest, and sends the winner by replies to it when the cron decides", async () => {
    const s = await setup();
    const readers = await addContacts(s, 8);
    await addContacts(s, 1, "opted_out");
    const broadcast = await newBroadcast(s, abTest());
    const started = Date.now();
    await act(s, broadcast.id, "start");
    const sample = await sampleSent(s, broadcast.id, 4);
    expect(sample).toMatchObject({ status: "running", held: 4, excluded: 1, winner: null });
    expect(sample.variants.map((v) => [v.key, v.sent])).toEqual([
      ["A", 2],
      ["B", 2],
    ]);
    const ledger = await ledgerOf(s.ws.id, broadcast.id);
    const chatOf = new Map(readers.map((r) => [r.id, r.chatId]));
    const inB = ledger.filter((r) => r.variant === "B").map((r) => chatOf.get(r.contactId) ?? "");
    const inA = ledger.filter((r) => r.variant === "A").map((r) => chatOf.get(r.contactId) ?? "");
    // the platform gets each message from the outbound queue, after the ledger counts it sent
    const texts = await eventually(async () => {
      const now = await textsByChat(s);
      return now.size === 4 ? now : undefined;
    }, "the sample at the platform");
    for (const chat of inA) expect(texts.get(chat)).toEqual([`Offer A for Reader ${chat}`]);
    for (const chat of inB) expect(texts.get(chat)).toEqual([`Offer B for Reader ${chat}`]);
    expect(texts.size).toBe(4);

    const [replier] = inB;
    expect((await customerWrites(s, replier ?? "", "Yes please")).status).toBe(200);
    await eventually(async () => {
      const stats = await statsOf(s, broadcast.id);
      return stats.variants[1]?.replied === 1 ? stats : undefined;
    }, "the reply counted for B");

    expect(PERIODIC_JOBS).toContain(decideWinners);
    await runPeriodicJobs(env, started + HOUR);
    expect((await statsOf(s, broadcast.id)).winner).toBeNull();
    await runPeriodicJobs(env, started + 2 * HOUR + 60_000);
    const done = await finished(s, broadcast.id);
    expect(done).toMatchObject({ winner: "B", sent: 8, held: 0, excluded: 1 });
    expect(done.variants.map((v) => [v.key, v.sent, v.replied])).toEqual([
      ["A", 2, 0],
      ["B", 6, 1],
    ]);
    const after = await eventually(async () => {
      const now = await textsByChat(s);
      return now.size === 8 ? now : undefined;
    }, "the rest at the platform");
    const held = ledger.filter((r) => r.status === "held").map((r) => chatOf.get(r.contactId));
    expect(held).toHaveLength(4);
    for (const chat of held) expect(after.get(chat ?? "")).toEqual([`Offer B for Reader ${chat}`]);
    const recipients = await json<{ data: { variant: string | null; status: string }[] }>(
      await api(`/api/v1/broadcasts/${broadcast.id}/recipients?status=sent`, { cookie: s.cookie }),
    );
    expect(recipients.data.filter((r) => r.variant === "B")).toHaveLength(6);
  });

  it("a supervisor picks the winner by hand, once, and only among the variants", async () => {
    const s = await setup();
    await addContacts(s, 6);
    const broadcast = await newBroadcast(s, abTest({ winner_by: "clicks" }));
    await expectProblem(await pick(s, broadcast.id, "A"), 409);
    await act(s, broadcast.id, "start");
    const sample = await sampleSent(s, broadcast.id, 3);
    expect(sample.held).toBe(3);
    expect(await refusedPaths(await pick(s, broadcast.id, "Z"))).toEqual(["variant"]);
    const picked = await pick(s, broadcast.id, "A");
    expect(await json(picked)).toMatchObject({ winner: "A", status: "running" });
    await expectProblem(await pick(s, broadcast.id, "B"), 409);
    const done = await finished(s, broadcast.id);
    expect(done).toMatchObject({ winner: "A", sent: 6, held: 0 });
    const ledger = await ledgerOf(s.ws.id, broadcast.id);
    expect(ledger.filter((r) => r.variant === "A").length).toBeGreaterThanOrEqual(4);
    expect(ledger.every((r) => r.variant !== null && r.status === "sent")).toBe(true);
    // a later cron finds nothing left to decide
    await runPeriodicJobs(env, Date.now() + 3 * HOUR);
    expect((await statsOf(s, broadcast.id)).winner).toBe("A");

    const single = await newBroadcast(s);
    await expectProblem(await pick(s, single.id, "A"), 409);
  });

  it("refuses a malformed A/B test with the paths of what is wrong, and stores nothing", async () => {
    const s = await setup();
    const post = (body: Record<string, unknown>) =>
      api("/api/v1/broadcasts", {
        cookie: s.cookie,
        body: { name: "Test", channel_id: s.channel.id, audience: { tags: ["news"] }, ...body },
      });
    const { variants, split } = abTest();
    expect(await refusedPaths(await post({ variants: variants.slice(0, 1), split }))).toEqual([
      "variants",
    ]);
    expect(await refusedPaths(await post({ variants }))).toEqual(["split"]);
    expect(await refusedPaths(await post({ message: { text: "Hi" }, split }))).toEqual(["split"]);
    expect(await refusedPaths(await post({ message: { text: "Hi" }, variants, split }))).toEqual([
      "variants",
    ]);
    expect(
      await refusedPaths(
        await post({ variants: [variants[0], { ...variants[1], key: "A" }], split }),
      ),
    ).toEqual(["variants.1.key"]);
    expect(
      await refusedPaths(
        await post({
          variants: [
            variants[0],
            { key: "B", message: { snippet_id: "snp_01JD0000000000000000000000" } },
          ],
          split: { ...split, sample_percent: 0 },
        }),
      ),
    ).toEqual(["split.sample_percent"]);
    expect(
      await refusedPaths(
        await post({
          variants: [
            variants[0],
            { key: "B", message: { snippet_id: "snp_01JD0000000000000000000000" } },
          ],
          split,
        }),
      ),
    ).toEqual(["variants.1.message.snippet_id"]);
    const list = await json<{ data: unknown[] }>(
      await api("/api/v1/broadcasts", { cookie: s.cookie }),
    );
    expect(list.data).toEqual([]);
  });
});
