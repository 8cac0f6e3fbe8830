import { describe, expect, it } from "vitest";
import { contactIdentities } from "../../worker/db/schema";
import type { ContactDto } from "../../worker/domain/contacts/contacts";
import type { ConversationDto } from "../../worker/schemas/conversations";
import {
  api,
  db,
  expectProblem,
  json,
  newWebchat,
  newWorkspace,
  visitorSays,
  visitorSession,
} from "../helpers";

type Item = ContactDto & { channel_types: string[] };
type Page = {
  data: Item[];
  next_cursor: string | null;
  total: number | null;
  total_capped: boolean;
};
type Auth = { cookie: string };

async function create(auth: Auth, body: Record<string, unknown>) {
  const response = await api("/api/v1/contacts", { ...auth, body });
  if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
  return json<ContactDto>(response);
}

async function field(auth: Auth, body: Record<string, unknown>) {
  const response = await api("/api/v1/contact-fields", { ...auth, body });
  if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
}

const list = async (auth: Auth, query: string) => {
  const response = await api(`/api/v1/contacts?${query}`, auth);
  if (response.status !== 200) throw new Error(`${response.status} ${await response.text()}`);
  return json<Page>(response);
};

/** Every contact the query lists, page by page, in order. */
async function everyPage(auth: Auth, query: string, limit = 2) {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: Page = await list(
      auth,
      `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
    );
    ids.push(...page.data.map((c) => c.id));
    cursor = page.next_cursor;
  } while (cursor);
  return ids;
}

describe("sorting and paging contacts", () => {
  it("sorts by name either way, nameless contacts by their email or phone, each once", async () => {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    const bea = await create(auth, { name: "bea" });
    const ana1 = await create(auth, { name: "Ana" });
    const zoe = await create(auth, { email: "zoe@example.com" });
    const ana2 = await create(auth, { name: "Ana" });
    const carl = await create(auth, { name: "Carl" });
    const byName = [ana1.id, ana2.id, bea.id, carl.id, zoe.id];
    expect(await everyPage(auth, "sort=name")).toEqual(byName);
    expect(await everyPage(auth, "sort=name&order=desc")).toEqual([...byName].reverse());
    expect(await everyPage(auth, "sort=created&order=asc", 3)).toEqual([
      bea.id,
      ana1.id,
      zoe.id,
      ana2.id,
      carl.id,
    ]);
  });

  it("sorts by last activity: a contact who just wrote comes first", async () => {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    const channel = await newWebchat(ws.ownerCookie);
    const first = await visitorSession(channel.id, { name: "First" });
    const second = await visitorSession(channel.id, { name: "Second" });
    const quiet = await create(auth, { name: "Quiet" });
    const { conversation_id: firstConversation } = await visitorSays(first.token, "hello");
    const { conversation_id: secondConversation } = await visitorSays(second.token, "hi");
    await visitorSays(first.token, "anyone there?");
    const contactOf = async (id: string) =>
      (await json<ConversationDto>(await api(`/api/v1/conversations/${id}`, auth))).contact.id;
    const firstContact = await contactOf(firstConversation);
    const secondContact = await contactOf(secondConversation);

    const ids = await everyPage(auth, "sort=last_activity");
    expect(ids.filter((id) => [firstContact, secondContact, quiet.id].includes(id))).toEqual([
      firstContact,
      secondContact,
      quiet.id,
    ]);
    const page = await list(auth, "sort=last_activity&limit=1");
    expect(page.data[0]).toMatchObject({ id: firstContact, channel_types: ["webchat"] });
    expect(Date.parse(page.data[0]?.last_activity_at ?? "")).toBeGreaterThan(
      Date.parse(quiet.last_activity_at),
    );
  });

  it("counts the matches on the first page only", async () => {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    for (const name of ["Ana", "Anabel", "Bob"]) await create(auth, { name });
    const first = await list(auth, "q=ana&limit=1");
    expect(first).toMatchObject({ total: 2, total_capped: false });
    const next = await list(auth, `q=ana&limit=1&cursor=${first.next_cursor}`);
    expect(next.total).toBeNull();
    expect(next.next_cursor).toBeNull();
  });
});

describe("filtering contacts by custom fields", () => {
  async function workspaceWithFields() {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    await field(auth, { key: "company", label: "Company", type: "text" });
    await field(auth, { key: "balance", label: "Balance", type: "number" });
    await field(auth, { key: "renews", label: "Renews", type: "date" });
    await field(auth, { key: "vip", label: "VIP", type: "boolean" });
    await field(auth, { key: "plan", label: "Plan", type: "select", options: ["free", "gold"] });
    const ana = await create(auth, {
      name: "Ana",
      tags: ["lead"],
      custom_fields: {
        company: "Acme Iberia",
        balance: 150,
        renews: "2025-03-01",
        vip: true,
        plan: "gold",
      },
    });
    const bob = await create(auth, {
      name: "Bob",
      custom_fields: { company: "Globex", balance: 20.5, renews: "2024-12-31", vip: false },
    });
    const cy = await create(auth, { name: "Cy", tags: ["lead"], custom_fields: { plan: "free" } });
    return { auth, ana, bob, cy };
  }

  it("applies each operator as the field's type reads it, all filters together", async () => {
    const { auth, ana, bob, cy } = await workspaceWithFields();
    const names = async (...filters: string[]) =>
      (
        await list(
          auth,
          `sort=name&${filters.map((f) => `field=${encodeURIComponent(f)}`).join("&")}`,
        )
      ).data.map((c) => c.name);
    expect(await names("company:contains:ACME")).toEqual(["Ana"]);
    expect(await names("company:eq:globex")).toEqual(["Bob"]);
    expect(await names("company:ne:globex")).toEqual(["Ana", "Cy"]);
    expect(await names("balance:gt:100")).toEqual(["Ana"]);
    expect(await names("balance:lte:20.5")).toEqual(["Bob"]);
    expect(await names("balance:gte:0", "balance:lt:1000")).toEqual(["Ana", "Bob"]);
    expect(await names("renews:lt:2025-01-01")).toEqual(["Bob"]);
    expect(await names("renews:gte:2025-01-01")).toEqual(["Ana"]);
    expect(await names("vip:eq:true")).toEqual(["Ana"]);
    expect(await names("vip:eq:false")).toEqual(["Bob"]);
    expect(await names("plan:eq:gold")).toEqual(["Ana"]);
    expect(await names("plan:ne:gold")).toEqual(["Bob", "Cy"]);
    expect(await names("plan:set")).toEqual(["Ana", "Cy"]);
    expect(await names("vip:unset")).toEqual(["Cy"]);
    const leadsOnFree = await list(auth, "tag=lead&field=plan:eq:free");
    expect(leadsOnFree.data.map((c) => c.id)).toEqual([cy.id]);
    expect(leadsOnFree.total).toBe(1);
    expect([ana.id, bob.id]).not.toContain(cy.id);
  });

  it("pages a filtered list in any sort, each contact once", async () => {
    const { auth, ana, bob } = await workspaceWithFields();
    expect(await everyPage(auth, "field=balance:set&sort=name", 1)).toEqual([ana.id, bob.id]);
    expect(await everyPage(auth, "field=balance:set&sort=last_activity", 1)).toEqual([
      bob.id,
      ana.id,
    ]);
  });

  it("refuses filters that cannot apply with the filter's path, never a 500", async () => {
    const { auth } = await workspaceWithFields();
    const refused = async (query: string, path: string, message: RegExp) => {
      const problem = await expectProblem(await api(`/api/v1/contacts?${query}`, auth), 422);
      expect(problem.errors?.[0]).toMatchObject({ path });
      expect(problem.errors?.[0]?.message).toMatch(message);
    };
    await refused("field=nope:eq:1", "query.field", /filter 1 \(nope\): no field "nope"/);
    await refused(
      "field=plan:eq:gold&field=balance:eq:lots",
      "query.field",
      /filter 2 \(balance\): must be a number/,
    );
    await refused("field=balance:contains:1", "query.field", /number field takes/);
    await refused("field=renews:gt:2025-02-30", "query.field", /date/);
    await refused("field=vip:eq:yes", "query.field", /true or false/);
    await refused("field=plan:eq:platinum", "query.field", /one of: free, gold/);
    await refused("field=balance:between:1", "query.field", /operator/);
    await refused("field=balance:gt", "query.field", /needs a value/);
    await refused("field=plan:set:x", "query.field", /takes no value/);
    await refused("field=%3Aeq%3A1", "query.field", /field key/);
    await refused("field=plan:eq:g%00ld", "query.field", /filter 1: must be printable/);
    await refused("sort=age", "query.sort", /./);
    await refused("order=up", "query.order", /./);
    await refused(`field=${"a:eq:1&field=".repeat(10)}a:eq:1`, "query.field", /./);
    const byName = await list(auth, "sort=name&limit=1");
    await refused(`cursor=${byName.next_cursor}`, "query.cursor", /another sort/);
    await refused("cursor=WyJuYW1lIl0", "query.cursor", /not a cursor/);
  });
});

describe("contact tags", () => {
  it("lists the workspace's tags, most used first, and no other workspace's", async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    await create(auth, { name: "A", tags: ["vip", "lead"] });
    await create(auth, { name: "B", tags: ["lead"] });
    await create({ cookie: other.ownerCookie }, { name: "C", tags: ["secret"] });
    const tags = await json<{ data: unknown[] }>(await api("/api/v1/contact-tags", auth));
    expect(tags.data).toEqual([
      { tag: "lead", count: 2 },
      { tag: "vip", count: 1 },
    ]);
  });
});

describe("a contact's conversations and identities", () => {
  it("lists every conversation of the contact across channels, newest first", async () => {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    const website = await newWebchat(ws.ownerCookie);
    const shop = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(website.id, { name: "Ana" });
    const { conversation_id: onWebsite } = await visitorSays(visitor.token, "hello");
    const contactId = (
      await json<ConversationDto>(await api(`/api/v1/conversations/${onWebsite}`, auth))
    ).contact.id;
    const other = await visitorSession(shop.id, { name: "Someone else" });
    await visitorSays(other.token, "not Ana");

    const kind = `webchat:${shop.id}`;
    await db().insert(contactIdentities).values({
      workspaceId: ws.id,
      kind,
      value: "shop-user-7",
      contactId,
    });
    const identities = await json<{ data: unknown[] }>(
      await api(`/api/v1/contacts/${contactId}/identities`, auth),
    );
    expect(identities.data).toEqual([
      {
        channel_type: "webchat",
        channel_id: shop.id,
        channel_name: "Website",
        value: "shop-user-7",
      },
    ]);

    const page = await json<{ data: ConversationDto[]; next_cursor: string | null }>(
      await api(`/api/v1/contacts/${contactId}/conversations`, auth),
    );
    expect(page.data.map((c) => [c.id, c.channel_id, c.contact.id])).toEqual([
      [onWebsite, website.id, contactId],
    ]);
    expect(page.data[0]?.last_message?.preview).toBe("hello");
    expect(page.next_cursor).toBeNull();
  });

  it("pages the contact's conversations and refuses a bad cursor", async () => {
    const ws = await newWorkspace();
    const auth = { cookie: ws.ownerCookie };
    const contact = await create(auth, { name: "Nobody yet" });
    const empty = await json<{ data: unknown[] }>(
      await api(`/api/v1/contacts/${contact.id}/conversations?limit=1`, auth),
    );
    expect(empty.data).toEqual([]);
    const problem = await expectProblem(
      await api(`/api/v1/contacts/${contact.id}/conversations?cursor=x`, auth),
      422,
    );
    expect(problem.errors?.[0]?.path).toBe("query.cursor");
  });

  it("answers 404 for another workspace's contact", async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    const theirs = await create({ cookie: b.ownerCookie }, { name: "Theirs" });
    for (const tail of ["conversations", "identities"]) {
      await expectProblem(
        await api(`/api/v1/contacts/${theirs.id}/${tail}`, { cookie: a.ownerCookie }),
        404,
      );
    }
  });
});
