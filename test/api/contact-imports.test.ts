import { env } from "cloudflare:workers";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { contactImports, contacts, contactTags } from "../../worker/db/schema";
import { continueImport } from "../../worker/domain/contacts/imports";
import { eventually } from "../channel-helpers";
import { api, db, expectProblem, json, newWorkspace } from "../helpers";

type ImportDto = {
  id: string;
  status: string;
  headers: string[];
  mapping: (string | null)[];
  sample: string[][];
  rows_in_file: number;
  rows_done: number;
  progress: number;
  created: number;
  updated: number;
  skipped: number;
  invalid: number;
  duplicates: number;
  errors_url: string | null;
};

type Report = {
  rows: number;
  to_create: number;
  to_update: number;
  to_skip: number;
  invalid: number;
  duplicates: number;
  unmapped_columns: string[];
  problems: { kind: string; count: number; examples: { line: number; column: string | null }[] }[];
};

const upload = async (cookie: string, csv: string) => {
  const response = await api("/api/v1/contact-imports", {
    cookie,
    rawBody: csv,
    headers: { "content-type": "text/csv" },
  });
  expect(response.status, await response.clone().text()).toBe(201);
  return json<ImportDto>(response);
};

const patch = (cookie: string, id: string, body: unknown) =>
  api(`/api/v1/contact-imports/${id}`, { cookie, method: "PATCH", body });

const dryRun = async (cookie: string, id: string) => {
  const response = await api(`/api/v1/contact-imports/${id}/dry-run`, { cookie, method: "POST" });
  expect(response.status, await response.clone().text()).toBe(200);
  return json<Report>(response);
};

const commit = async (cookie: string, id: string) => {
  const response = await api(`/api/v1/contact-imports/${id}/commit`, { cookie, method: "POST" });
  expect(response.status, await response.clone().text()).toBe(202);
  return json<ImportDto>(response);
};

const finished = (cookie: string, id: string) =>
  eventually(
    async () => {
      const now = await json<ImportDto>(await api(`/api/v1/contact-imports/${id}`, { cookie }));
      return now.status === "done" || now.status === "failed" ? now : undefined;
    },
    "the import done",
    30_000,
  );

const contactsOf = (workspaceId: string) =>
  db().select().from(contacts).where(eq(contacts.workspaceId, workspaceId)).orderBy(contacts.phone);

const tagsOf = async (contactId: string) =>
  (await db().select().from(contactTags).where(eq(contactTags.contactId, contactId)))
    .map((t) => t.tag)
    .sort();

const quietEnv = (files: R2Bucket = env.FILES) =>
  ({ ...env, FILES: files, IMPORTS: { send: async () => {} } }) as unknown as Env;

/** An uploaded import moved to preparing as a commit would, without queueing it. */
async function preparedWithoutQueue(workspaceId: string, id: string) {
  await db().update(contactImports).set({ status: "preparing" }).where(eq(contactImports.id, id));
  return { workspaceId, importId: id };
}

const phoneOf = (i: number) => `+1212555${String(i).padStart(4, "0")}`;

describe("contact imports", () => {
  it("suggest a mapping from English, Spanish and Portuguese headers and the workspace's fields", async () => {
    const ws = await newWorkspace();
    await api("/api/v1/contact-fields", {
      cookie: ws.ownerCookie,
      body: { key: "plan", label: "Plan contratado", type: "text" },
    });
    const spanish = await upload(
      ws.ownerCookie,
      "Nombre,Teléfono,Correo electrónico,Etiquetas,Plan contratado,Consentimiento WhatsApp,Notas\nAna,612345678,ana@example.com,vip,gold,sí,x\n",
    );
    expect(spanish.mapping).toEqual([
      "name",
      "phone",
      "email",
      "tags",
      "field:plan",
      "consent:whatsapp",
      null,
    ]);
    expect(spanish.sample).toEqual([
      ["Ana", "612345678", "ana@example.com", "vip", "gold", "sí", "x"],
    ]);
    const portuguese = await upload(
      ws.ownerCookie,
      "Nome completo,Celular,E-mail,Telefone\nJo,1,j@x.io,2\n",
    );
    // the second phone-like column is left for the person to choose
    expect(portuguese.mapping).toEqual(["name", "phone", "email", null]);
    const english = await upload(
      ws.ownerCookie,
      "Full Name,Mobile,Email Address,Tags,SMS opt-in\nA,1,a@b.co,,yes\n",
    );
    expect(english.mapping).toEqual(["name", "phone", "email", "tags", "consent:sms"]);
  });

  it("dry run reports every kind of problem and changes nothing", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    await api("/api/v1/contacts", { cookie, body: { name: "Known", phone: phoneOf(1) } });
    const csv = [
      "name,phone,email,notes",
      `Known again,${phoneOf(1)},,a`,
      `New,${phoneOf(2)},new@example.com,b`,
      "Bad phone,12,,c",
      "Bad email,,not-an-email,d",
      `Repeat,${phoneOf(2)},,e`,
      "Nobody,,,f",
      `Short row,${phoneOf(3)}`,
    ].join("\n");
    const draft = await upload(cookie, csv);
    expect(draft).toMatchObject({ status: "uploaded", rows_in_file: 7 });
    const before = await contactsOf(ws.id);
    const report = await dryRun(cookie, draft.id);
    expect(report).toMatchObject({
      rows: 7,
      to_create: 1,
      to_update: 0,
      to_skip: 1,
      invalid: 4,
      duplicates: 1,
      unmapped_columns: ["notes"],
    });
    const byKind = Object.fromEntries(report.problems.map((p) => [p.kind, p]));
    expect(byKind.invalid_phone?.examples).toEqual([
      { line: 4, column: "phone", message: expect.stringContaining("US") },
    ]);
    expect(byKind.invalid_email?.examples[0]).toMatchObject({ line: 5, column: "email" });
    expect(byKind.duplicate_in_file?.examples[0]).toMatchObject({ line: 6, column: "phone" });
    expect(byKind.no_address?.examples[0]).toMatchObject({ line: 7 });
    expect(byKind.bad_row?.examples[0]).toMatchObject({ line: 8 });
    await expect(patch(cookie, draft.id, { policy: "overwrite" })).resolves.toHaveProperty(
      "status",
      200,
    );
    expect(await dryRun(cookie, draft.id)).toMatchObject({ to_update: 1, to_skip: 0 });
    expect(await contactsOf(ws.id)).toEqual(before);
    const [row] = await db().select().from(contactImports).where(eq(contactImports.id, draft.id));
    expect(row).toMatchObject({ status: "uploaded", rowsDone: 0, created: 0 });
  });

  it.each([
    ["skip", { name: "Old", email: null, customFields: { plan: "basic" } }, []],
    [
      "fill_empty",
      { name: "Old", email: "new@example.com", customFields: { plan: "basic", tier: "2" } },
      ["march"],
    ],
    [
      "overwrite",
      { name: "New", email: "new@example.com", customFields: { plan: "gold", tier: "2" } },
      ["march"],
    ],
  ] as const)(
    "commit with the %s policy treats a known contact so, and creates new ones from the import",
    async (policy, known, knownTags) => {
      const ws = await newWorkspace();
      const cookie = ws.ownerCookie;
      for (const key of ["plan", "tier"])
        await api("/api/v1/contact-fields", { cookie, body: { key, label: key, type: "text" } });
      await api("/api/v1/contacts", {
        cookie,
        body: { name: "Old", phone: phoneOf(1), custom_fields: { plan: "basic" } },
      });
      const draft = await upload(
        cookie,
        `nombre,celular,correo,plan,tier,etiquetas,sms consent\nNew,${phoneOf(1)},new@example.com,gold,2,,\nFresh,${phoneOf(2)},,silver,,"a; b",no\n`,
      );
      expect(draft.mapping).toEqual([
        "name",
        "phone",
        "email",
        "field:plan",
        "field:tier",
        "tags",
        "consent:sms",
      ]);
      await patch(cookie, draft.id, { policy, tags: ["March"] });
      await commit(cookie, draft.id);
      const done = await finished(cookie, draft.id);
      const kept = policy === "skip" ? 1 : 0;
      expect(done).toMatchObject({
        status: "done",
        rows_done: 2,
        progress: 1,
        created: 1,
        updated: 1 - kept,
        skipped: kept,
        invalid: 0,
      });
      const [old, fresh] = await contactsOf(ws.id);
      expect(old).toMatchObject({ phone: phoneOf(1), ...known });
      expect(await tagsOf(old?.id ?? "")).toEqual(knownTags);
      expect(fresh).toMatchObject({
        name: "Fresh",
        phone: phoneOf(2),
        source: "import",
        customFields: { plan: "silver" },
        consent: { sms: { status: "opted_out", source: "import" } },
      });
      expect(await tagsOf(fresh?.id ?? "")).toEqual(["a", "b", "march"]);
    },
  );

  it("a turn delivered twice or restarted after a crash leaves no duplicate and no gap", async () => {
    const ws = await newWorkspace();
    const rows = Array.from({ length: 1_600 }, (_, i) => `Reader ${i},${phoneOf(i)}`);
    const draft = await upload(ws.ownerCookie, ["name,phone", ...rows].join("\n"));
    const job = await preparedWithoutQueue(ws.id, draft.id);
    // the third part cannot be read once: the worker "restarts" there
    let crashed = false;
    const crashing = new Proxy(env.FILES, {
      get(target, property) {
        if (property === "get")
          return (key: string) => {
            if (key.endsWith("part-000002.json") && !crashed) {
              crashed = true;
              throw new Error("restarted");
            }
            return target.get(key);
          };
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    await expect(
      continueImport(createDb(env.DB), quietEnv(crashing), job, Date.now()),
    ).rejects.toThrow("restarted");
    const [midway] = await db()
      .select()
      .from(contactImports)
      .where(eq(contactImports.id, draft.id));
    expect(midway).toMatchObject({ status: "importing", cursor: 2, parts: 4, rowsDone: 1_000 });
    // the retry, and a copy of the same message, run side by side
    await Promise.all([
      continueImport(createDb(env.DB), quietEnv(), job, Date.now()),
      continueImport(createDb(env.DB), quietEnv(), job, Date.now()),
    ]);
    const done = await json<ImportDto>(
      await api(`/api/v1/contact-imports/${draft.id}`, { cookie: ws.ownerCookie }),
    );
    expect(done).toMatchObject({ status: "done", rows_done: 1_600, created: 1_600, progress: 1 });
    const stored = await contactsOf(ws.id);
    expect(stored.map((c) => c.phone)).toEqual(rows.map((_, i) => phoneOf(i)));
  });

  it("lists refused rows in an errors CSV, formulas escaped, once done", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const draft = await upload(
      cookie,
      `name,phone\n"=HYPERLINK(""http://evil"")",12\nGood,${phoneOf(5)}\nAgain,${phoneOf(5)}\n`,
    );
    await expectProblem(
      await api(`/api/v1/contact-imports/${draft.id}/errors.csv`, { cookie }),
      409,
    );
    await commit(cookie, draft.id);
    const done = await finished(cookie, draft.id);
    expect(done).toMatchObject({ created: 1, invalid: 1, duplicates: 1, rows_done: 3 });
    const response = await api(done.errors_url ?? "", { cookie });
    expect(response.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(parse(await response.text())).toEqual([
      ["line", "problem", "name", "phone"],
      ["2", "phone: is not a valid phone number (for US)", '\'=HYPERLINK("http://evil")', "12"],
      // a leading + is escaped too: a spreadsheet would read it as a formula
      ["4", "phone: repeats line 3", "Again", `'${phoneOf(5)}`],
    ]);
  });

  it("refuse bad requests by field, store nothing for them, and are a supervisor's", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    const count = async () =>
      (await db().select().from(contactImports).where(eq(contactImports.workspaceId, ws.id)))
        .length;
    const broken = await api("/api/v1/contact-imports", {
      cookie,
      rawBody: 'name,phone\n"open,1\n',
      headers: { "content-type": "text/csv" },
    });
    expect((await expectProblem(broken, 422)).errors).toEqual([
      { path: expect.stringMatching(/^file\.line\.\d+$/), message: expect.any(String) },
    ]);
    const headerOnly = await api("/api/v1/contact-imports", {
      cookie,
      rawBody: "name,phone\n",
      headers: { "content-type": "text/csv" },
    });
    await expectProblem(headerOnly, 422);
    expect(await count()).toBe(0);
    const draft = await upload(cookie, "who,notes\nAna,x\n");
    const paths = async (response: Response, status = 422) =>
      ((await expectProblem(response, status)).errors as { path: string }[]).map((e) => e.path);
    expect(await paths(await patch(cookie, draft.id, { mapping: ["name", "field:nope"] }))).toEqual(
      ["mapping.1"],
    );
    expect(await paths(await patch(cookie, draft.id, { mapping: ["name", "name"] }))).toEqual([
      "mapping.1",
    ]);
    expect(await paths(await patch(cookie, draft.id, { tags: ["a\u0000b"] }))).toEqual(["tags.0"]);
    expect(await paths(await patch(cookie, draft.id, { mapping: ["name"] }))).toEqual(["mapping"]);
    // no phone or email column: nothing to match contacts by
    expect(
      await paths(
        await api(`/api/v1/contact-imports/${draft.id}/commit`, { cookie, method: "POST" }),
      ),
    ).toEqual(["mapping"]);
    const [row] = await db().select().from(contactImports).where(eq(contactImports.id, draft.id));
    expect(row).toMatchObject({ status: "uploaded", mapping: [null, null], tags: [] });

    const agent = await ws.addMember("agent");
    await expectProblem(
      await api(`/api/v1/contact-imports/${draft.id}`, { cookie: await agent.login() }),
      403,
    );
    const other = await newWorkspace();
    for (const [method, path] of [
      ["GET", ""],
      ["POST", "/dry-run"],
      ["POST", "/commit"],
      ["GET", "/errors.csv"],
    ] as const)
      await expectProblem(
        await api(`/api/v1/contact-imports/${draft.id}${path}`, {
          cookie: other.ownerCookie,
          method,
        }),
        404,
      );
    const list = await json<{ data: unknown[] }>(
      await api("/api/v1/contact-imports", { cookie: other.ownerCookie }),
    );
    expect(list.data).toEqual([]);
  });
});
