import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { broadcastLinks } from "../../worker/db/schema";
import { eventually } from "../channel-helpers";
import { api, db, expectProblem, json, ORIGIN } from "../helpers";
import {
  act,
  addContacts,
  finished,
  newBroadcast,
  type Setup,
  setup,
  statsOf,
  textsByChat,
} from "./helpers";

const SALE = "https://shop.example.com/sale?size=m&colour=blue";
const FAQ = "https://shop.example.com/faq";
const TEXT = `Hi {{contact.name}}, the sale: ${SALE}, questions (${FAQ}).`;
const SHORT = new RegExp(`${ORIGIN}/l/([0-9A-Za-z]{10})`, "g");

/** The texts the platform got once all `n` recipients have theirs. */
const platformTexts = (s: Setup, n: number) =>
  eventually(async () => {
    const texts = await textsByChat(s);
    return texts.size === n ? texts : undefined;
  }, "the messages at the platform");

/** Opens a short link as a browser would, without following where it leads. */
const follow = (code: string, userAgent = "Mozilla/5.0 (iPhone)") =>
  exports.default.fetch(`${ORIGIN}/l/${code}`, {
    redirect: "manual",
    headers: { "user-agent": userAgent },
  });

const codesIn = (text: string) => [...text.matchAll(SHORT)].map(([, code]) => code ?? "");

describe("broadcast click tracking", () => {
  it("sends each recipient short links of their own that redirect and count one click each", async () => {
    const s = await setup();
    const [clicker, other] = await addContacts(s, 2);
    if (!clicker || !other) throw new Error("two readers");
    const broadcast = await newBroadcast(s, { message: { text: TEXT } });
    await act(s, broadcast.id, "start");
    await finished(s, broadcast.id);
    const texts = await platformTexts(s, 2);
    const clickerText = texts.get(clicker.chatId)?.[0] ?? "";
    expect(clickerText).not.toContain("shop.example.com");
    expect(clickerText).toMatch(
      new RegExp(
        `^Hi Reader ${clicker.chatId}, the sale: ${ORIGIN}/l/\\w{10}, questions \\(${ORIGIN}/l/\\w{10}\\)\\.$`,
      ),
    );
    const [saleCode, faqCode] = codesIn(clickerText);
    const otherCodes = codesIn(texts.get(other.chatId)?.[0] ?? "");
    expect(otherCodes).toHaveLength(2);
    expect(new Set([saleCode, faqCode, ...otherCodes]).size).toBe(4);

    // the messenger's link preview opens it first: no click yet
    const preview = await follow(saleCode ?? "", "TelegramBot (like TwitterBot)");
    expect(preview.headers.get("location")).toBe(SALE);
    expect((await statsOf(s, broadcast.id)).clicked).toBe(0);
    const first = await follow(saleCode ?? "");
    expect(first.status).toBe(302);
    expect(first.headers.get("location")).toBe(SALE);
    expect((await follow(faqCode ?? "")).headers.get("location")).toBe(FAQ);
    expect((await follow(saleCode ?? "")).status).toBe(302);
    const stats = await statsOf(s, broadcast.id);
    expect(stats).toMatchObject({ sent: 2, clicked: 1 });
    const recipients = await json<{ data: { contact_id: string; clicked_at: string | null }[] }>(
      await api(`/api/v1/broadcasts/${broadcast.id}/recipients`, { cookie: s.cookie }),
    );
    const clickedAt = (id: string) => recipients.data.find((r) => r.contact_id === id)?.clicked_at;
    expect(clickedAt(clicker.id)).toEqual(expect.any(String));
    expect(clickedAt(other.id)).toBeNull();
  });

  it("resolves only codes it issued: anything else is a 404 that redirects nowhere", async () => {
    await expectProblem(await follow("AAAAAAAAAA"), 404);
    await expectProblem(await follow("https%3A%2F%2Fevil.example"), 404);
    await expectProblem(await follow(`${"x".repeat(65)}`), 422);
  });

  it("counts clicks per variant, and leaves links alone when tracking is off", async () => {
    const s = await setup();
    await addContacts(s, 4);
    const broadcast = await newBroadcast(s, {
      variants: [
        { key: "A", message: { text: `A: ${SALE}` } },
        { key: "B", message: { text: `B: ${SALE}` } },
      ],
      split: { sample_percent: 100, winner_by: "clicks", decide_after_hours: 1 },
      message: undefined,
    });
    await act(s, broadcast.id, "start");
    await finished(s, broadcast.id);
    const texts = [...(await platformTexts(s, 4)).values()].flat();
    const aText = texts.find((t) => t.startsWith("A: ")) ?? "";
    await follow(codesIn(aText)[0] ?? "");
    const stats = await statsOf(s, broadcast.id);
    expect(stats.clicked).toBe(1);
    expect(stats.variants.map((v) => [v.key, v.sent, v.clicked, v.click_rate])).toEqual([
      ["A", 2, 1, 0.5],
      ["B", 2, 0, 0],
    ]);

    const plain = await setup();
    await addContacts(plain, 1);
    const untracked = await newBroadcast(plain, {
      message: { text: `See ${SALE}` },
      track_clicks: false,
    });
    expect(untracked).toMatchObject({ track_clicks: false });
    await act(plain, untracked.id, "start");
    await finished(plain, untracked.id);
    expect([...(await platformTexts(plain, 1)).values()]).toEqual([[`See ${SALE}`]]);
    const links = await db().select().from(broadcastLinks);
    expect(links.filter((l) => l.broadcastId === untracked.id)).toEqual([]);
  });
});
