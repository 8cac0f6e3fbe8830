import { describe, expect, it } from "vitest";
import { api, expectProblem, json, newWorkspace } from "../helpers";
import { chunksOf, type SourceDto, search } from "./helpers";
import { minimalPdf } from "./pdf";

function postPdf(cookie: string, bytes: Uint8Array, name = "manual.pdf") {
  const form = new FormData();
  form.set("file", new File([bytes], name, { type: "application/pdf" }));
  return api("/api/v1/knowledge/sources/file", { cookie, rawBody: form });
}

describe("PDF files in the knowledge base", () => {
  it("indexes a PDF's text page by page, and makes it searchable", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const pdf = minimalPdf([
      ["Assembly guide", "Tighten the handlebar bolts to 5 Nm."],
      null,
      ["Care", "Oil the chain every 300 kilometres."],
    ]);
    const response = await postPdf(cookie, pdf);
    expect(response.status).toBe(201);
    const source = await json<SourceDto>(response);
    expect(source).toMatchObject({
      kind: "file",
      title: "manual.pdf",
      file_name: "manual.pdf",
      status: "ready",
      error: null,
      chunk_count: 2,
    });
    expect((await chunksOf(cookie, source.id)).map((c) => [c.heading, c.text])).toEqual([
      ["Page 1", "Assembly guide\nTighten the handlebar bolts to 5 Nm."],
      ["Page 3", "Care\nOil the chain every 300 kilometres."],
    ]);
    const [hit] = await search(cookie, "how often should I oil the chain");
    expect(hit).toMatchObject({ heading: "Page 3", source: { id: source.id, kind: "file" } });
  });

  it("keeps a PDF without text (a scan) as a failed source that says why", async () => {
    const ws = await newWorkspace();
    const response = await postPdf(ws.ownerCookie, minimalPdf([null, null]), "scan.pdf");
    expect(response.status).toBe(201);
    const source = await json<SourceDto>(response);
    expect(source).toMatchObject({ status: "failed", chunk_count: 0, title: "scan.pdf" });
    expect(source.error).toMatch(/no text.*scanned/i);
  });

  it("refuses a file that is not a readable PDF, storing nothing", async () => {
    const ws = await newWorkspace();
    const broken = new TextEncoder().encode("%PDF-1.4\nthis is not really a PDF");
    const problem = await expectProblem(await postPdf(ws.ownerCookie, broken), 422);
    expect(problem.errors?.[0]).toMatchObject({ path: "file" });
    const list = await json<{ data: unknown[] }>(
      await api("/api/v1/knowledge/sources", { cookie: ws.ownerCookie }),
    );
    expect(list.data).toEqual([]);
  });
});
