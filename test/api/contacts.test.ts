import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { workspaces } from "../../worker/db/schema";
import type { ContactDto } from "../../worker/domain/contacts/contacts";
import { api, createKey, db, expectProblem, json, newWorkspace } from "../helpers";

type Page = { data: ContactDto[]; next_cursor: string | null };

async function create(auth: { cookie?: string; key?: string }, body: Record<string, unknown>) {
  const response = await api("/api/v1/contacts", { ...auth, body });
  if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
  return json<ContactDto>(response);
}

describe("contacts CRUD", () => {
  it("creates, reads, updates and deletes a contact", async () => {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    const created = await create(auth, {
      name: "Ana García",
      phone: "+34 612 34 56 78",
      email: "Ana@Example.COM",
      language: "es",
      timezone: "Europe/Madrid",
      tags: ["VIP", " vip ", "madrid"],
      consent: { sms: "opted_in", email: { status: "opted_out", source: "web form" } },
    });
    expect(created).toMatchObject({
      name: "Ana García",
      phone: "+34612345678",
      email: "ana@example.com",
      language: "es",
      timezone: "Europe/Madrid",
      tags: ["madrid", "vip"],
    });
    expect(created.consent.sms).toMatchObject({ status: "opted_in", source: "agent" });
    expect(created.consent.email).toMatchObject({ status: "opted_out", source: "web form" });
    expect(Date.parse(created.consent.sms?.at ?? "")).toBeGreaterThan(0);

    const fetched = await json<ContactDto>(await api(`/api/v1/contacts/${created.id}`, auth));
    expect(fetched).toEqual(created);

    const patched = await json<ContactDto>(
      await api(`/api/v1/contacts/${created.id}`, {
        ...auth,
        method: "PATCH",
        body: { name: "Ana G.", email: null, consent: { sms: "opted_out" } },
      }),
    );
    expect(patched).toMatchObject({
      name: "Ana G.",
      email: null,
      phone: "+34612345678",
      tags: ["madrid", "vip"],
    });
    expect(patched.consent.sms?.status).toBe("opted_out");
    expect(patched.consent.email?.status).toBe("opted_out");

    const deleted = await api(`/api/v1/contacts/${created.id}`, { ...auth, method: "DELETE" });
    expect(deleted.status).toBe(204);
    await expectProblem(await api(`/api/v1/contacts/${created.id}`, auth), 404);
  });

  it("records consent given through an API key as coming from the API", async () => {
    const ws = await newWorkspace();
    const key = await createKey(ws.ownerCookie);
    const contact = await create(
      { key },
      { phone: "+1 650 555 0100", consent: { whatsapp: "opted_in" } },
    );
    expect(contact.consent.whatsapp?.source).toBe("api");
  });

  it("needs at least a name, phone or email", async () => {
    const ws = await newWorkspace();
    const problem = await expectProblem(
      await api("/api/v1/contacts", { cookie: ws.ownerCookie, body: {} }),
      422,
    );
    expect(problem.errors?.[0]?.path).toBe("name");
    const contact = await create({ cookie: ws.ownerCookie }, { email: "only@example.com" });
    const cleared = await api(`/api/v1/contacts/${contact.id}`, {
      cookie: ws.ownerCookie,
      method: "PATCH",
      body: { email: null },
    });
    await expectProblem(cleared, 422);
  });

  it("lets only supervisors and up delete", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const agentCookie = await agent.login();
    const contact = await create({ cookie: agentCookie }, { name: "Kept" });
    await expectProblem(
      await api(`/api/v1/contacts/${contact.id}`, { method: "DELETE", cookie: agentCookie }),
      403,
    );
    expect((await api(`/api/v1/contacts/${contact.id}`, { cookie: agentCookie })).status).toBe(200);
  });
});

describe("phone numbers and emails", () => {
  it("normalizes phones to E.164 using the workspace's default country", async () => {
    const ws = await newWorkspace();
    const contact = await create({ cookie: ws.ownerCookie }, { phone: "(650) 555-0123" });
    expect(contact.phone).toBe("+16505550123");
    const intl = await create({ cookie: ws.ownerCookie }, { phone: "+44 20 7946 0958" });
    expect(intl.phone).toBe("+442079460958");
    const madrid = await newWorkspace();
    await db().update(workspaces).set({ defaultCountry: "ES" }).where(eq(workspaces.id, madrid.id));
    const local = await create({ cookie: madrid.ownerCookie }, { phone: "612 34 56 78" });
    expect(local.phone).toBe("+34612345678");
  });

  it("rejects numbers that cannot be a phone", async () => {
    const ws = await newWorkspace();
    for (const phone of ["12", "not a phone", "+1 555 555 0100"]) {
      const problem = await expectProblem(
        await api("/api/v1/contacts", { cookie: ws.ownerCookie, body: { phone } }),
        422,
      );
      expect(problem.errors).toEqual([{ path: "phone", message: "not a valid phone number" }]);
    }
  });

  it("answers 409 for a phone or email already used in the workspace, in any spelling", async () => {
    const ws = await newWorkspace();
    const first = await create(
      { cookie: ws.ownerCookie },
      { phone: "+16505550100", email: "dup@example.com" },
    );
    const byPhone = await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      body: { phone: "650-555-0100" },
    });
    expect((await expectProblem(byPhone, 409)).errors?.[0]?.path).toBe("phone");
    const byEmail = await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      body: { email: "DUP@example.com" },
    });
    expect((await expectProblem(byEmail, 409)).errors?.[0]?.path).toBe("email");
    const other = await create({ cookie: ws.ownerCookie }, { name: "Other" });
    const patch = await api(`/api/v1/contacts/${other.id}`, {
      cookie: ws.ownerCookie,
      method: "PATCH",
      body: { phone: "+1 650 555 0100" },
    });
    await expectProblem(patch, 409);
    // the same contact may keep its own phone
    const same = await api(`/api/v1/contacts/${first.id}`, {
      cookie: ws.ownerCookie,
      method: "PATCH",
      body: { phone: "(650) 555-0100" },
    });
    expect(same.status).toBe(200);
  });

  it("allows the same phone in two workspaces", async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    await create({ cookie: a.ownerCookie }, { phone: "+16505550199" });
    await create({ cookie: b.ownerCookie }, { phone: "+16505550199" });
  });

  it("answers concurrent duplicates with one 201 and 409s", async () => {
    const ws = await newWorkspace();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        api("/api/v1/contacts", { cookie: ws.ownerCookie, body: { email: "race@example.com" } }),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409]);
  });
});

describe("search, filters and pagination", () => {
  it("pages through every contact exactly once, newest first", async () => {
    const ws = await newWorkspace();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++)
      ids.push((await create({ cookie: ws.ownerCookie }, { name: `Person ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor ? `?limit=3&cursor=${cursor}` : "?limit=3";
      const page: Page = await json<Page>(
        await api(`/api/v1/contacts${query}`, { cookie: ws.ownerCookie }),
      );
      expect(page.data.length).toBeLessThanOrEqual(3);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it("searches name, email and phone, and filters by tag", async () => {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    const ana = await create(auth, { name: "Ana Pérez", email: "ana@shop.example", tags: ["vip"] });
    const bob = await create(auth, { name: "Bob", phone: "+16505550142", tags: ["vip", "late"] });
    await create(auth, { name: "Carla", email: "carla@other.example" });
    const search = async (q: string) =>
      (await json<Page>(await api(`/api/v1/contacts?q=${encodeURIComponent(q)}`, auth))).data.map(
        (c) => c.id,
      );
    expect(await search("pérez")).toEqual([ana.id]);
    expect(await search("SHOP.example")).toEqual([ana.id]);
    expect(await search("555-0142")).toEqual([bob.id]);
    expect(await search("%")).toEqual([]);
    const vip = await json<Page>(await api("/api/v1/contacts?tag=VIP", auth));
    expect(vip.data.map((c) => c.id)).toEqual([bob.id, ana.id]);
    const vipBob = await json<Page>(await api("/api/v1/contacts?tag=vip&q=bob", auth));
    expect(vipBob.data.map((c) => c.id)).toEqual([bob.id]);
  });

  it("rejects a bad limit or cursor with field paths", async () => {
    const ws = await newWorkspace();
    const problem = await expectProblem(
      await api("/api/v1/contacts?limit=1000", { cookie: ws.ownerCookie }),
      422,
    );
    expect(problem.errors?.[0]?.path).toBe("query.limit");
    const cursor = await expectProblem(
      await api("/api/v1/contacts?cursor=zzz", { cookie: ws.ownerCookie }),
      422,
    );
    expect(cursor.errors?.[0]?.path).toBe("query.cursor");
  });
});

describe("tags", () => {
  it("adds and removes tags", async () => {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    const contact = await create(auth, { name: "Tagged", tags: ["lead"] });
    const added = await json<ContactDto>(
      await api(`/api/v1/contacts/${contact.id}/tags`, {
        ...auth,
        body: { tags: ["Customer", "lead", "north"] },
      }),
    );
    expect(added.tags).toEqual(["customer", "lead", "north"]);
    const removed = await json<ContactDto>(
      await api(`/api/v1/contacts/${contact.id}/tags/lead`, { ...auth, method: "DELETE" }),
    );
    expect(removed.tags).toEqual(["customer", "north"]);
    const replaced = await json<ContactDto>(
      await api(`/api/v1/contacts/${contact.id}`, {
        ...auth,
        method: "PATCH",
        body: { tags: ["only"] },
      }),
    );
    expect(replaced.tags).toEqual(["only"]);
  });

  it("accepts fifty tags at once", async () => {
    const ws = await newWorkspace();
    const contact = await create({ cookie: ws.ownerCookie }, { name: "Many tags" });
    const tags = Array.from({ length: 50 }, (_, i) => `tag-${i}`);
    const response = await api(`/api/v1/contacts/${contact.id}/tags`, {
      cookie: ws.ownerCookie,
      body: { tags },
    });
    expect((await json<ContactDto>(response)).tags).toHaveLength(50);
  });
});

describe("custom fields", () => {
  it("validates values against typed definitions", async () => {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    for (const field of [
      { key: "balance", label: "Balance", type: "number" },
      { key: "plan", label: "Plan", type: "select", options: ["basic", "pro"] },
      { key: "birthday", label: "Birthday", type: "date" },
      { key: "vip", label: "VIP", type: "boolean" },
      { key: "notes", label: "Notes", type: "text" },
    ]) {
      expect((await api("/api/v1/contact-fields", { ...auth, body: field })).status).toBe(201);
    }
    const good = await create(auth, {
      name: "Typed",
      custom_fields: { balance: 12.5, plan: "pro", birthday: "1990-02-28", vip: true, notes: "hi" },
    });
    expect(good.custom_fields).toEqual({
      balance: 12.5,
      plan: "pro",
      birthday: "1990-02-28",
      vip: true,
      notes: "hi",
    });

    const bad = await api("/api/v1/contacts", {
      ...auth,
      body: {
        name: "Wrong",
        custom_fields: {
          balance: "a lot",
          plan: "gold",
          birthday: "1990-02-30",
          vip: "yes",
          nope: 1,
        },
      },
    });
    const problem = await expectProblem(bad, 422);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([
      "custom_fields.balance",
      "custom_fields.birthday",
      "custom_fields.nope",
      "custom_fields.plan",
      "custom_fields.vip",
    ]);

    const cleared = await json<ContactDto>(
      await api(`/api/v1/contacts/${good.id}`, {
        ...auth,
        method: "PATCH",
        body: { custom_fields: { notes: null, balance: 3 } },
      }),
    );
    expect(cleared.custom_fields).toEqual({
      balance: 3,
      plan: "pro",
      birthday: "1990-02-28",
      vip: true,
    });
  });

  it("manages definitions: unique keys, options only for selects, admin only", async () => {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    const created = await json<{ id: string }>(
      await api("/api/v1/contact-fields", {
        ...auth,
        body: { key: "tier", label: "Tier", type: "select", options: ["a"] },
      }),
    );
    await expectProblem(
      await api("/api/v1/contact-fields", {
        ...auth,
        body: { key: "tier", label: "Again", type: "text" },
      }),
      409,
    );
    await expectProblem(
      await api("/api/v1/contact-fields", {
        ...auth,
        body: { key: "Bad Key", label: "x", type: "text" },
      }),
      422,
    );
    await expectProblem(
      await api("/api/v1/contact-fields", {
        ...auth,
        body: { key: "s", label: "S", type: "select" },
      }),
      422,
    );
    const renamed = await api(`/api/v1/contact-fields/${created.id}`, {
      ...auth,
      method: "PATCH",
      body: { label: "Customer tier", options: ["a", "b"] },
    });
    expect(await json(renamed)).toMatchObject({
      label: "Customer tier",
      options: ["a", "b"],
      type: "select",
    });
    const agentCookie = await (await ws.addMember("agent")).login();
    await expectProblem(
      await api("/api/v1/contact-fields", {
        cookie: agentCookie,
        body: { key: "x", label: "X", type: "text" },
      }),
      403,
    );
    expect((await api("/api/v1/contact-fields", { cookie: agentCookie })).status).toBe(200);
    expect(
      (await api(`/api/v1/contact-fields/${created.id}`, { ...auth, method: "DELETE" })).status,
    ).toBe(204);
  });
});

describe("deleting a custom field", () => {
  it("removes every contact's value for it, and only in its workspace", async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    const fieldIn = async (cookie: string) =>
      json<{ id: string }>(
        await api("/api/v1/contact-fields", {
          cookie,
          body: { key: "loyalty", label: "Loyalty", type: "number" },
        }),
      );
    await api("/api/v1/contact-fields", {
      ...auth,
      body: { key: "city", label: "City", type: "text" },
    });
    const field = await fieldIn(ws.ownerCookie);
    await fieldIn(other.ownerCookie);
    const mine = await create(auth, {
      name: "Holder",
      custom_fields: { loyalty: 7, city: "Lyon" },
    });
    const theirs = await create(
      { cookie: other.ownerCookie },
      { name: "Other holder", custom_fields: { loyalty: 9 } },
    );

    expect(
      (await api(`/api/v1/contact-fields/${field.id}`, { ...auth, method: "DELETE" })).status,
    ).toBe(204);
    const after = await json<ContactDto>(await api(`/api/v1/contacts/${mine.id}`, auth));
    expect(after.custom_fields).toEqual({ city: "Lyon" });
    const untouched = await json<ContactDto>(
      await api(`/api/v1/contacts/${theirs.id}`, { cookie: other.ownerCookie }),
    );
    expect(untouched.custom_fields).toEqual({ loyalty: 9 });
  });
});

describe("workspace isolation", () => {
  it("answers 404 for another workspace's contacts on every verb", async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    const theirs = await create({ cookie: b.ownerCookie }, { name: "Theirs", tags: ["x"] });
    const mine = { cookie: a.ownerCookie };
    await expectProblem(await api(`/api/v1/contacts/${theirs.id}`, mine), 404);
    await expectProblem(
      await api(`/api/v1/contacts/${theirs.id}`, {
        ...mine,
        method: "PATCH",
        body: { name: "Mine now" },
      }),
      404,
    );
    await expectProblem(
      await api(`/api/v1/contacts/${theirs.id}`, { ...mine, method: "DELETE" }),
      404,
    );
    await expectProblem(
      await api(`/api/v1/contacts/${theirs.id}/tags`, { ...mine, body: { tags: ["y"] } }),
      404,
    );
    await expectProblem(
      await api(`/api/v1/contacts/${theirs.id}/tags/x`, { ...mine, method: "DELETE" }),
      404,
    );
    const list = await json<Page>(await api("/api/v1/contacts?q=Theirs", mine));
    expect(list.data).toEqual([]);
    const still = await json<ContactDto>(
      await api(`/api/v1/contacts/${theirs.id}`, { cookie: b.ownerCookie }),
    );
    expect(still).toEqual(theirs);
  });
});
