import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { CHUNK_CHARS, chunkMarkdown } from "../../worker/domain/knowledge/chunking";
import { ftsQuery, searchKnowledge } from "../../worker/domain/knowledge/search";
import { newWorkspace } from "../helpers";
import { addSource, chunksOf, search } from "./helpers";

const sentence = (i: number) => `Sentence number ${i} tells a little more about the topic. `;

describe("chunking", () => {
  it("cuts a long Markdown text at its headings, then paragraphs, with a little overlap", () => {
    const long = Array.from({ length: 40 }, (_, i) => sentence(i)).join("");
    const markdown = [
      "Intro before any heading.",
      "# Billing",
      "Invoices go out monthly.",
      "## Refunds",
      long,
      "",
      "Last paragraph of refunds.",
      "# Shipping",
      "Parcels leave in two days.",
    ].join("\n\n");
    const chunks = chunkMarkdown(markdown);
    expect(chunks[0]).toEqual({ heading: null, text: "Intro before any heading." });
    expect(chunks[1]).toEqual({ heading: "Billing", text: "Invoices go out monthly." });
    const refunds = chunks.filter((c) => c.heading === "Billing › Refunds");
    expect(refunds.length).toBeGreaterThanOrEqual(3);
    for (const chunk of refunds) expect(chunk.text.length).toBeLessThanOrEqual(CHUNK_CHARS + 200);
    // each chunk of a section starts with the end of the one before
    for (let i = 1; i < refunds.length; i++) {
      const start = refunds[i]?.text.slice(0, 30) ?? "";
      expect(refunds[i - 1]?.text).toContain(start);
    }
    expect(refunds.at(-1)?.text).toContain("Last paragraph of refunds.");
    expect(chunks.at(-1)).toEqual({ heading: "Shipping", text: "Parcels leave in two days." });
    // nothing is lost
    for (let i = 0; i < 40; i++)
      expect(refunds.some((c) => c.text.includes(`Sentence number ${i} `))).toBe(true);
  });

  it("keeps a Markdown source's chunks under their headings through the API", async () => {
    const ws = await newWorkspace();
    const source = await addSource(ws.ownerCookie, {
      kind: "text",
      title: "Guide",
      text: "# Setup\n\nPlug it in.\n\n## Wi-Fi\n\nHold the button.\n\n# Care\n\nWipe it dry.",
    });
    expect(
      (await chunksOf(ws.ownerCookie, source.id)).map((c) => [c.position, c.heading, c.text]),
    ).toEqual([
      [0, "Setup", "Plug it in."],
      [1, "Setup › Wi-Fi", "Hold the button."],
      [2, "Care", "Wipe it dry."],
    ]);
  });
});

describe("knowledge search", () => {
  it("ranks first the chunk with the words, folds accents, cites the source", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const faq = await addSource(cookie, {
      kind: "qa",
      title: "Preguntas",
      pairs: [
        { question: "¿Cuánto tarda el reembolso?", answer: "El reembolso tarda cinco días." },
        { question: "¿Hacen envíos?", answer: "Sí, a toda Europa." },
      ],
    });
    await addSource(cookie, {
      kind: "text",
      title: "Café menu",
      text: "# Drinks\n\nOur café serves crème brûlée and espresso.\n\n# Opening\n\nOpen daily; the reembolso desk is upstairs.",
    });

    const refund = await search(cookie, "cuanto tarda reembolso");
    expect(refund[0]?.source).toEqual({ id: faq.id, kind: "qa", title: "Preguntas", url: null });
    expect(refund[0]?.text).toContain("¿Cuánto tarda el reembolso?");
    expect(refund.length).toBe(2);
    expect(refund[0]?.score).toBeGreaterThan(refund[1]?.score ?? 0);

    const folded = await search(cookie, "CAFE creme brulee");
    expect(folded[0]?.heading).toBe("Drinks");
    const accented = await search(cookie, "envíos");
    expect(accented[0]?.text).toContain("¿Hacen envíos?");
  });

  it("reads quotes, operators and control characters as plain words, never as a syntax error", async () => {
    const ws = await newWorkspace();
    await addSource(ws.ownerCookie, {
      kind: "text",
      title: "Returns",
      text: "Returns are accepted AND refunded NEAR the store.",
    });
    const nasty = [
      '"unbalanced',
      "returns AND OR NOT",
      "NEAR(returns store, 2)",
      "title:returns",
      "returns*",
      "(returns",
      "^returns -store +x",
      '""""',
      "*",
      "' OR 1=1 --",
      "{returns store}",
    ];
    for (const q of nasty) {
      const hits = await search(ws.ownerCookie, q);
      expect(Array.isArray(hits), q).toBe(true);
    }
    expect((await search(ws.ownerCookie, '"returns" NEAR(store)')).length).toBe(1);
    // the API refuses control characters; customer text reaching the search straight may carry them
    const d1 = createDb(env.DB);
    expect((await searchKnowledge(d1, ws.id, "returns\u0000store\u0007")).length).toBe(1);
    expect(await search(ws.ownerCookie, "**  ()")).toEqual([]);
    expect(ftsQuery('say "hi" AND bye')).toBe('"say"* OR "hi"* OR "and"* OR "bye"*');
  });

  it("never finds another workspace's chunks", async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    const marker = `zebrafish${Date.now()}`;
    await addSource(b.ownerCookie, { kind: "text", title: "B", text: `${marker} lives here.` });
    expect(await search(a.ownerCookie, marker)).toEqual([]);
    expect(await searchKnowledge(createDb(env.DB), a.id, marker)).toEqual([]);
    expect((await searchKnowledge(createDb(env.DB), b.id, marker)).length).toBe(1);
  });
});
