import { describe, expect, it } from "vitest";
import { api, expectProblem, json, newWorkspace } from "../helpers";
import { addSource, chunksOf, type SourceDto, search } from "./helpers";

const sourcesOf = async (cookie: string) =>
  (await json<{ data: SourceDto[] }>(await api("/api/v1/knowledge/sources", { cookie }))).data;

function upload(file: File, title?: string) {
  const form = new FormData();
  form.set("file", file);
  if (title) form.set("title", title);
  return form;
}

describe("knowledge sources", () => {
  it("keeps a text source: created ready with chunks, read, renamed, rewritten, deleted", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const created = await addSource(cookie, {
      kind: "text",
      title: "Shipping",
      text: "# Shipping\n\nParcels leave the warehouse within two days.",
    });
    expect(created).toMatchObject({ kind: "text", status: "ready", chunk_count: 1, error: null });
    expect(created.text).toContain("Parcels leave");

    const read = await json<SourceDto>(
      await api(`/api/v1/knowledge/sources/${created.id}`, { cookie }),
    );
    expect(read.title).toBe("Shipping");
    expect((await sourcesOf(cookie)).map((s) => s.id)).toEqual([created.id]);

    const patched = await api(`/api/v1/knowledge/sources/${created.id}`, {
      cookie,
      method: "PATCH",
      body: { title: "Delivery", text: "Couriers deliver on Saturdays too." },
    });
    expect(patched.status).toBe(200);
    expect(await json<SourceDto>(patched)).toMatchObject({ title: "Delivery", chunk_count: 1 });
    expect(await search(cookie, "warehouse")).toEqual([]);
    expect((await search(cookie, "saturdays")).map((h) => h.source.title)).toEqual(["Delivery"]);

    const deleted = await api(`/api/v1/knowledge/sources/${created.id}`, {
      cookie,
      method: "DELETE",
    });
    expect(deleted.status).toBe(204);
    expect(await sourcesOf(cookie)).toEqual([]);
    expect(await search(cookie, "saturdays")).toEqual([]);
    await expectProblem(await api(`/api/v1/knowledge/sources/${created.id}`, { cookie }), 404);
  });

  it("keeps Q&A pairs as one chunk each, and replaces them all on a change", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const created = await addSource(cookie, {
      kind: "qa",
      title: "FAQ",
      pairs: [
        { question: "Do you ship abroad?", answer: "Yes, to 40 countries." },
        { question: "Can I pay by invoice?", answer: "Only business accounts can." },
      ],
    });
    expect(created).toMatchObject({ kind: "qa", status: "ready", chunk_count: 2 });
    expect((await chunksOf(cookie, created.id)).map((c) => c.text)).toEqual([
      "Q: Do you ship abroad?\nA: Yes, to 40 countries.",
      "Q: Can I pay by invoice?\nA: Only business accounts can.",
    ]);
    const patched = await api(`/api/v1/knowledge/sources/${created.id}`, {
      cookie,
      method: "PATCH",
      body: { pairs: [{ question: "Is there a warranty?", answer: "Two years." }] },
    });
    expect(await json<SourceDto>(patched)).toMatchObject({ chunk_count: 1 });
    expect((await chunksOf(cookie, created.id)).map((c) => c.text)).toEqual([
      "Q: Is there a warranty?\nA: Two years.",
    ]);
  });

  it("takes a thousand Q&A pairs, and a long text of hundreds of chunks, in one write each", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const pairs = Array.from({ length: 1000 }, (_, i) => ({
      question: `Question number ${i}?`,
      answer: `Answer ${i}: ${"detail ".repeat(40)}`,
    }));
    const qa = await addSource(cookie, { kind: "qa", title: "Many", pairs });
    expect(qa.chunk_count).toBe(1000);
    const chunks = await chunksOf(cookie, qa.id);
    expect(chunks.map((c) => c.position)).toEqual(pairs.map((_, i) => i));
    expect(chunks[999]?.text).toBe(`Q: Question number 999?\nA: ${pairs[999]?.answer.trim()}`);
    const paragraphs = Array.from(
      { length: 400 },
      (_, i) => `Paragraph ${i}. ${"word ".repeat(70)}`,
    );
    const text = await addSource(cookie, {
      kind: "text",
      title: "Long",
      text: paragraphs.join("\n\n"),
    });
    expect(text.chunk_count).toBeGreaterThan(300);
  });

  it("reads text, Markdown and HTML files, and refuses unreadable PDFs and other kinds on `file`", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const post = (form: FormData) =>
      api("/api/v1/knowledge/sources/file", { cookie, rawBody: form });

    const markdown = await post(
      upload(new File(["# Returns\n\nReturn within 30 days."], "returns.md"), "Returns policy"),
    );
    expect(markdown.status).toBe(201);
    expect(await json<SourceDto>(markdown)).toMatchObject({
      kind: "file",
      title: "Returns policy",
      file_name: "returns.md",
      status: "ready",
      chunk_count: 1,
    });

    const html = await post(
      upload(
        new File(
          [
            "<html><head><title>Opening hours</title><style>p{}</style></head><body><nav>Home</nav><h2>Weekdays</h2><p>We open at 9&nbsp;am.</p><script>track()</script></body></html>",
          ],
          "hours.html",
          { type: "text/html" },
        ),
      ),
    );
    const page = await json<SourceDto>(html);
    expect(page).toMatchObject({ title: "Opening hours", status: "ready" });
    expect(await chunksOf(cookie, page.id)).toEqual([
      { id: expect.any(String), position: 0, heading: "Weekdays", text: "We open at 9 am." },
    ]);

    const pdf = await post(
      upload(new File(["%PDF-1.7"], "manual.pdf", { type: "application/pdf" })),
    );
    expect((await expectProblem(pdf, 422)).errors?.[0]?.path).toBe("file");
    const image = await post(upload(new File(["GIF89a"], "logo.gif", { type: "image/gif" })));
    expect((await expectProblem(image, 422)).errors?.[0]?.path).toBe("file");
    expect((await sourcesOf(cookie)).length).toBe(2);
  });

  it("imports a CSV of Q&A, naming the rows it left out by line", async () => {
    const ws = await newWorkspace();
    const csv = [
      "Question,Answer",
      "How long is the warranty?,Two years",
      ",An answer without its question",
      '"Do you ship abroad?","Yes, to 40 countries"',
      "how long is the warranty?,Repeated",
    ].join("\n");
    const response = await api("/api/v1/knowledge/sources/qa-csv?title=Imported", {
      cookie: ws.ownerCookie,
      rawBody: csv,
      headers: { "content-type": "text/csv" },
    });
    expect(response.status).toBe(201);
    const result = await json<{
      source: SourceDto;
      rows: number;
      imported: number;
      rejected: { row: number; column: string; reason: string }[];
    }>(response);
    expect(result).toMatchObject({ rows: 4, imported: 2 });
    expect(result.source).toMatchObject({ kind: "qa", title: "Imported", chunk_count: 2 });
    expect(result.rejected).toEqual([
      { row: 3, column: "question", reason: expect.any(String) },
      { row: 5, column: "question", reason: "repeats row 2" },
    ]);
    expect((await search(ws.ownerCookie, "abroad"))[0]?.text).toBe(
      "Q: Do you ship abroad?\nA: Yes, to 40 countries",
    );
  });

  it("refuses a CSV that is not a Q&A list, storing nothing", async () => {
    const ws = await newWorkspace();
    const post = (rawBody: string) =>
      api("/api/v1/knowledge/sources/qa-csv", {
        cookie: ws.ownerCookie,
        rawBody,
        headers: { "content-type": "text/csv" },
      });
    const header = await expectProblem(await post("question,reply\nHi,Hello\n"), 422);
    expect(header.errors?.map((e) => e.path)).toEqual(["header.1", "header"]);
    const empty = await expectProblem(await post("question,answer\n,\n"), 422);
    expect(empty.errors?.[0]?.path).toBe("rows.2.question");
    expect(await sourcesOf(ws.ownerCookie)).toEqual([]);
  });

  it("answers bad input with 422 and a field path, storing nothing", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: "text", title: "", text: "x" }, "title"],
      [{ kind: "text", title: "T", text: "   " }, "text"],
      [{ kind: "qa", title: "T", pairs: [] }, "pairs"],
      [{ kind: "qa", title: "T", pairs: [{ question: "Q?", answer: "" }] }, "pairs.0.answer"],
      [{ kind: "url", url: "ftp://example.com/file" }, "url"],
      [{ kind: "url", url: "http://10.0.0.7/internal" }, "url"],
      [{ kind: "url", url: "http://localhost:8080/" }, "url"],
      [{ kind: "url", url: "https://[::1]/" }, "url"],
      [{ kind: "url", url: "https://example.com/", recrawl_hours: 0 }, "recrawl_hours"],
    ];
    for (const [body, path] of cases) {
      const problem = await expectProblem(
        await api("/api/v1/knowledge/sources", { cookie, body }),
        422,
      );
      expect(
        problem.errors?.map((e) => e.path),
        JSON.stringify(body),
      ).toContain(path);
    }
    expect(await sourcesOf(cookie)).toEqual([]);

    const text = await addSource(cookie, { kind: "text", title: "T", text: "Some text" });
    const wrongKind = await api(`/api/v1/knowledge/sources/${text.id}`, {
      cookie,
      method: "PATCH",
      body: { url: "https://example.com/" },
    });
    expect((await expectProblem(wrongKind, 422)).errors?.[0]?.path).toBe("url");
    const recrawl = await api(`/api/v1/knowledge/sources/${text.id}/recrawl`, {
      cookie,
      method: "POST",
    });
    await expectProblem(recrawl, 409);
  });

  it("lets any agent read and search, and only admins change the knowledge base", async () => {
    const ws = await newWorkspace();
    const source = await addSource(ws.ownerCookie, {
      kind: "text",
      title: "Hours",
      text: "Open every day.",
    });
    const agent = await (await ws.addMember("agent")).login();
    expect((await sourcesOf(agent)).length).toBe(1);
    expect((await search(agent, "every day")).length).toBe(1);
    expect(
      (await api(`/api/v1/knowledge/sources/${source.id}/chunks`, { cookie: agent })).status,
    ).toBe(200);
    await expectProblem(
      await api("/api/v1/knowledge/sources", {
        cookie: agent,
        body: { kind: "text", title: "Mine", text: "Nope" },
      }),
      403,
    );
    await expectProblem(
      await api(`/api/v1/knowledge/sources/${source.id}`, { cookie: agent, method: "DELETE" }),
      403,
    );
    const admin = await (await ws.addMember("admin")).login();
    const renamed = await api(`/api/v1/knowledge/sources/${source.id}`, {
      cookie: admin,
      method: "PATCH",
      body: { title: "Opening hours" },
    });
    expect(renamed.status).toBe(200);
  });
});
