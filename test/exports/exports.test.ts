import { env } from "cloudflare:workers";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { contacts, contactTags } from "../../worker/db/schema";
import { continueExport, startExport } from "../../worker/domain/exports/exports";
import { newId } from "../../worker/lib/ids";
import { eventually } from "../channel-helpers";
import { api, db, expectProblem, json, newWebchat, newWorkspace } from "../helpers";
import { conversationAt } from "../reports/helpers";

type ExportDto = {
  id: string;
  status: string;
  rows_done: number;
  rows_total: number;
  progress: number;
  download_url: string | null;
};

/** `n` contacts, every third one tagged `vip`, the first named like a spreadsheet formula. */
async function manyContacts(workspaceId: string, n: number) {
  const now = Date.now();
  const rows = Array.from({ length: n }, (_, i) => ({
    id: newId("ct", now + i),
    workspaceId,
    name: i === 0 ? '=HYPERLINK("http://evil")' : `Customer ${i}`,
    email: `customer${i}@example.com`,
    customFields: { plan: i % 2 ? "gold" : "basic" },
    createdAt: now + i,
    updatedAt: now + i,
  }));
  for (let i = 0; i < rows.length; i += 10)
    await db()
      .insert(contacts)
      .values(rows.slice(i, i + 10));
  const vips = rows.filter((_, i) => i % 3 === 0);
  for (let i = 0; i < vips.length; i += 30)
    await db()
      .insert(contactTags)
      .values(vips.slice(i, i + 30).map((c) => ({ workspaceId, contactId: c.id, tag: "vip" })));
  return rows;
}

const finished = (cookie: string, id: string) =>
  eventually(
    async () => {
      const now = await json<ExportDto>(await api(`/api/v1/exports/${id}`, { cookie }));
      return now.status === "done" ? now : undefined;
    },
    "the export done",
    30_000,
  );

async function downloaded(cookie: string, url: string) {
  const response = await api(url, { cookie });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
  return parse(await response.text()) as string[][];
}

describe("CSV exports", () => {
  it("write every contact the filters take in, page by page, each once, formulas escaped", async () => {
    const ws = await newWorkspace();
    const all = await manyContacts(ws.id, 1_234);
    const started = await api("/api/v1/exports", {
      cookie: ws.ownerCookie,
      body: { kind: "contacts" },
    });
    expect(started.status).toBe(202);
    const begun = await json<ExportDto>(started);
    expect(begun).toMatchObject({ status: "running", rows_total: 1_234, download_url: null });
    const done = await finished(ws.ownerCookie, begun.id);
    expect(done).toMatchObject({ rows_done: 1_234, progress: 1 });
    const [header, ...rows] = await downloaded(ws.ownerCookie, done.download_url ?? "");
    expect(header).toEqual([
      "id",
      "name",
      "email",
      "phone",
      "language",
      "timezone",
      "tags",
      "custom_fields",
      "created_at",
      "last_activity_at",
    ]);
    expect(rows.map((row) => row[0])).toEqual(all.map((c) => c.id));
    expect(rows[0]?.[1]).toBe('\'=HYPERLINK("http://evil")');
    expect(rows[3]?.[6]).toBe("vip");
    expect(JSON.parse(rows[1]?.[7] ?? "{}")).toEqual({ plan: "gold" });

    const plan = { key: "plan", label: "Plan", type: "text" };
    await api("/api/v1/contact-fields", { cookie: ws.ownerCookie, body: plan });
    const vips = await json<ExportDto>(
      await api("/api/v1/exports", {
        cookie: ws.ownerCookie,
        body: { kind: "contacts", filters: { tag: "vip", field: ["plan:eq:gold"] } },
      }),
    );
    const vipsDone = await finished(ws.ownerCookie, vips.id);
    const wanted = all.filter((_, i) => i % 3 === 0 && i % 2 === 1).length;
    expect(vipsDone.rows_total).toBe(wanted);
    expect((await downloaded(ws.ownerCookie, vipsDone.download_url ?? "")).length).toBe(wanted + 1);
  });

  it("write each row once however many times a turn runs", async () => {
    const ws = await newWorkspace();
    const all = await manyContacts(ws.id, 1_100);
    const owner = { workspaceId: ws.id, role: "owner" as const, userId: ws.owner.id };
    const row = await startExport(
      createDb(env.DB),
      env,
      { ...owner, apiKeyId: null, via: "session", sessionIdHash: null },
      { kind: "contacts", filters: { field: undefined } },
      Date.now(),
    );
    const job = { workspaceId: ws.id, exportId: row.id };
    // the queue's own turn runs too: three at once
    await Promise.all([
      continueExport(createDb(env.DB), env, job, Date.now()),
      continueExport(createDb(env.DB), env, job, Date.now()),
    ]);
    const done = await finished(ws.ownerCookie, row.id);
    const [, ...rows] = await downloaded(ws.ownerCookie, done.download_url ?? "");
    expect(rows.map((r) => r[0])).toEqual(all.map((c) => c.id));
  });

  it("write conversations with their channel, contact, assignee and labels by name", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const website = await newWebchat(cookie);
    const first = await conversationAt(ws.id, website.id, Date.parse("2026-05-04T09:00:00Z"));
    const second = await conversationAt(ws.id, website.id, Date.parse("2026-05-05T09:00:00Z"));
    await api(`/api/v1/conversations/${first}/labels`, {
      cookie,
      body: { labels: ["billing", "vip"] },
    });
    await api(`/api/v1/conversations/${first}/assign`, { cookie, body: { user_id: ws.owner.id } });
    await api(`/api/v1/conversations/${second}/status`, { cookie, body: { status: "closed" } });
    const open = await json<ExportDto>(
      await api("/api/v1/exports", {
        cookie,
        body: { kind: "conversations", filters: { status: "open", from: "2026-05-01" } },
      }),
    );
    const done = await finished(cookie, open.id);
    const [header, ...rows] = await downloaded(cookie, done.download_url ?? "");
    const byColumn = (row: string[] | undefined) =>
      Object.fromEntries((header ?? []).map((name, i) => [name, row?.[i]]));
    expect(rows).toHaveLength(1);
    expect(byColumn(rows[0])).toMatchObject({
      id: first,
      status: "open",
      channel: "Website",
      contact: "Reader",
      assignee: expect.stringMatching(/^owner /),
      labels: "billing; vip",
      created_at: "2026-05-04T09:00:00.000Z",
      closed_at: "",
    });
  });

  it("are a supervisor's, another workspace's are not found, and bad requests name the field", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const asAgent = await api("/api/v1/exports", {
      cookie: await agent.login(),
      body: { kind: "contacts" },
    });
    await expectProblem(asAgent, 403);
    const mine = await json<ExportDto>(
      await api("/api/v1/exports", { cookie: ws.ownerCookie, body: { kind: "conversations" } }),
    );
    const other = await newWorkspace();
    await expectProblem(
      await api(`/api/v1/exports/${mine.id}`, { cookie: other.ownerCookie }),
      404,
    );
    const paths = async (body: unknown) => {
      const response = await api("/api/v1/exports", { cookie: ws.ownerCookie, body });
      const problem = await expectProblem(response, 422);
      return (problem.errors as { path: string }[]).map((e) => e.path);
    };
    expect(await paths({ kind: "conversations", filters: { status: "lost" } })).toEqual([
      "filters.status",
    ]);
    expect(await paths({ kind: "contacts", filters: { field: ["plan:like:gold"] } })).toEqual([
      "filters.field",
    ]);
    // a field the workspace does not have
    expect(await paths({ kind: "contacts", filters: { field: ["plan:eq:gold"] } })).toEqual([
      "filters.field",
    ]);
  });
});
