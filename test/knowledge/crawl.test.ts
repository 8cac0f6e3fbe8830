import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { knowledgeSources } from "../../worker/db/schema";
import { recrawlDueSources } from "../../worker/domain/knowledge/recrawl";
import { PERIODIC_JOBS } from "../../worker/scheduled";
import { fakeRequests, fakeUrl, scriptFake, uniqueDigits } from "../channel-helpers";
import { api, db, json, newWorkspace } from "../helpers";
import { addSource, chunksOf, type SourceDto, search } from "./helpers";

const HTML = { "content-type": "text/html; charset=utf-8" };

const page = (heading: string, body: string) => `<!doctype html>
<html><head><title>Help centre</title><script>var tracker = 1;</script></head>
<body>
  <nav><a href="/">Home</a> <a href="/help">Help</a></nav>
  <h1>${heading}</h1>
  <p>${body}</p>
  <h2>Contact</h2>
  <ul><li>Email us</li><li>Call us &amp; wait</li></ul>
  <style>.x { color: red }</style>
</body></html>`;

/** A page path of its own on the fake platforms server, answering `html` `times` times. */
async function servedPage(html: string, times = 1) {
  const path = `/kb/${uniqueDigits()}/help`;
  await scriptFake({ path, status: 200, text: html, headers: HTML, times });
  return { path, url: `${fakeUrl()}${path}` };
}

const fetchesOf = async (path: string) =>
  (await fakeRequests(path)).filter((r) => r.method === "GET").length;

describe("web page sources", () => {
  it("crawls a page into chunks from its headings, titled by the page, scripts and navigation left out", async () => {
    const ws = await newWorkspace();
    const { url } = await servedPage(page("Refunds", "Refunds take five working days."));
    const source = await addSource(ws.ownerCookie, { kind: "url", url });
    expect(source).toMatchObject({
      kind: "url",
      title: "Help centre",
      url,
      status: "ready",
      error: null,
      chunk_count: 2,
      recrawl_hours: null,
      next_crawl_at: null,
    });
    expect(source.crawled_at).not.toBeNull();
    const chunks = await chunksOf(ws.ownerCookie, source.id);
    expect(chunks.map((c) => [c.heading, c.text])).toEqual([
      ["Refunds", "Refunds take five working days."],
      ["Refunds › Contact", "- Email us\n- Call us & wait"],
    ]);
    const hits = await search(ws.ownerCookie, "how long do refunds take");
    expect(hits[0]?.source).toEqual({ id: source.id, kind: "url", title: "Help centre", url });
    expect(await search(ws.ownerCookie, "tracker")).toEqual([]);
    expect(await search(ws.ownerCookie, "home")).toEqual([]);
  });

  it("stores a page that cannot be read as failed, with the reason", async () => {
    const ws = await newWorkspace();
    const missing = await addSource(ws.ownerCookie, {
      kind: "url",
      title: "Gone",
      url: `${fakeUrl()}/kb/${uniqueDigits()}/missing`,
    });
    expect(missing).toMatchObject({
      status: "failed",
      error: "the site answered HTTP 404",
      chunk_count: 0,
      title: "Gone",
    });
    const path = `/kb/${uniqueDigits()}/data`;
    await scriptFake({ path, status: 200, body: { not: "a page" } });
    const json_ = await addSource(ws.ownerCookie, { kind: "url", url: `${fakeUrl()}${path}` });
    expect(json_.status).toBe("failed");
    expect(json_.error).toMatch(/application\/json, not HTML or text/);
  });

  it("re-crawls on demand: the same text keeps its chunks, a new text replaces them, a failure keeps the last", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const first = page("Refunds", "Refunds take five working days.");
    const { path, url } = await servedPage(first, 2);
    const source = await addSource(cookie, { kind: "url", url, title: "Help" });
    const before = await chunksOf(cookie, source.id);

    const recrawl = () =>
      api(`/api/v1/knowledge/sources/${source.id}/recrawl`, { cookie, method: "POST" });
    const same = await json<SourceDto>(await recrawl());
    expect(same).toMatchObject({ status: "ready", title: "Help", chunk_count: 2 });
    expect(await chunksOf(cookie, source.id)).toEqual(before);

    await scriptFake({
      path,
      status: 200,
      text: page("Returns", "Returns are free."),
      headers: HTML,
    });
    expect((await json<SourceDto>(await recrawl())).status).toBe("ready");
    expect((await search(cookie, "returns free"))[0]?.heading).toBe("Returns");
    expect(await search(cookie, "five working days")).toEqual([]);

    const lastGood = await chunksOf(cookie, source.id);
    await scriptFake({ path, status: 503, body: {} });
    const failed = await json<SourceDto>(await recrawl());
    expect(failed).toMatchObject({ status: "failed", error: "the site answered HTTP 503" });
    expect(await chunksOf(cookie, source.id)).toEqual(lastGood);
    expect((await search(cookie, "returns free"))[0]?.text).toBe("Returns are free.");
  });

  it("re-crawls due pages from the cron once, however many ticks race for them", async () => {
    expect(PERIODIC_JOBS).toContain(recrawlDueSources);
    const ws = await newWorkspace();
    const { path, url } = await servedPage(page("Warranty", "Two years of warranty."));
    const source = await addSource(ws.ownerCookie, { kind: "url", url, recrawl_hours: 6 });
    const crawledAt = Date.parse(source.crawled_at ?? "");
    expect(Date.parse(source.next_crawl_at ?? "")).toBe(crawledAt + 6 * 3_600_000);

    const now = crawledAt + 6 * 3_600_000 + 1000;
    await scriptFake({
      path,
      status: 200,
      text: page("Warranty", "Three years of warranty."),
      headers: HTML,
    });
    const d1 = createDb(env.DB);
    await Promise.all([recrawlDueSources(d1, env, now), recrawlDueSources(d1, env, now)]);
    await recrawlDueSources(d1, env, now + 60_000);
    expect(await fetchesOf(path)).toBe(2);

    const [row] = await db()
      .select()
      .from(knowledgeSources)
      .where(eq(knowledgeSources.id, source.id));
    expect(row).toMatchObject({
      status: "ready",
      crawledAt: now,
      nextCrawlAt: now + 6 * 3_600_000,
    });
    expect((await search(ws.ownerCookie, "three years"))[0]?.source.id).toBe(source.id);
  });

  it("reads a changed address as a new page and moves the next crawl with the interval", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const first = await servedPage(page("Old", "The old page."));
    const source = await addSource(cookie, { kind: "url", url: first.url, title: "Page" });
    const patch = async (body: Record<string, unknown>) =>
      json<SourceDto>(
        await api(`/api/v1/knowledge/sources/${source.id}`, { cookie, method: "PATCH", body }),
      );

    const missing = await patch({ url: `${fakeUrl()}/kb/${uniqueDigits()}/nothing` });
    expect(missing).toMatchObject({ status: "failed", chunk_count: 0 });
    expect(await chunksOf(cookie, source.id)).toEqual([]);

    const second = await servedPage(page("New", "The new page."));
    expect(await patch({ url: second.url })).toMatchObject({ status: "ready", chunk_count: 2 });
    expect((await chunksOf(cookie, source.id))[0]?.text).toBe("The new page.");

    const every = await patch({ recrawl_hours: 2 });
    expect(Date.parse(every.next_crawl_at ?? "")).toBe(
      Date.parse(every.crawled_at ?? "") + 2 * 3_600_000,
    );
    expect((await patch({ recrawl_hours: null })).next_crawl_at).toBeNull();
  });

  it("refuses private addresses on `url`, when created and when changed", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const { url } = await servedPage(page("Hi", "Hello."));
    const source = await addSource(cookie, { kind: "url", url });
    for (const target of ["http://127.0.0.1/admin", "http://169.254.169.254/latest/meta-data"]) {
      const created = await api("/api/v1/knowledge/sources", {
        cookie,
        body: { kind: "url", url: target },
      });
      expect(created.status).toBe(422);
      expect((await json<{ errors: { path: string }[] }>(created)).errors[0]?.path).toBe("url");
      const changed = await api(`/api/v1/knowledge/sources/${source.id}`, {
        cookie,
        method: "PATCH",
        body: { url: target },
      });
      expect(changed.status).toBe(422);
    }
    const [row] = await db()
      .select()
      .from(knowledgeSources)
      .where(eq(knowledgeSources.id, source.id));
    expect(row?.url).toBe(url);
    const list = await json<{ data: unknown[] }>(
      await api("/api/v1/knowledge/sources", { cookie }),
    );
    expect(list.data.length).toBe(1);
  });
});
