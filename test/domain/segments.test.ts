import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDb } from "../../worker/db/client";
import { contactIdentities, contacts } from "../../worker/db/schema";
import {
  compileSegment,
  contactsInSegment,
  previewSegment,
} from "../../worker/domain/segments/segments";
import type { SegmentRule, SegmentRulesValue } from "../../worker/schemas/segments";
import { api, db, json, newWebchat, newWorkspace, visitorSays, visitorSession } from "../helpers";

const DAY = 86_400_000;
const NOW = Date.parse("2026-06-15T12:00:00Z");

type Ws = Awaited<ReturnType<typeof newWorkspace>>;

async function contact(ws: Ws, body: Record<string, unknown>) {
  const response = await api("/api/v1/contacts", { cookie: ws.ownerCookie, body });
  if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
  return (await json<{ id: string }>(response)).id;
}

async function field(ws: Ws, body: Record<string, unknown>) {
  const response = await api("/api/v1/contact-fields", { cookie: ws.ownerCookie, body });
  if (response.status !== 201) throw new Error(`${response.status} ${await response.text()}`);
}

const setRow = (id: string, values: Partial<typeof contacts.$inferInsert>) =>
  db().update(contacts).set(values).where(eq(contacts.id, id));

/** The ids of every contact the rules take in, in id order, read page by page. */
async function members(ws: Ws, rules: SegmentRulesValue, now = NOW) {
  const ids: string[] = [];
  let after: string | undefined;
  do {
    const page = await contactsInSegment(createDb(env.DB), ws.id, rules, { after, limit: 2, now });
    ids.push(...page.data.map((c) => c.id));
    after = page.next_after ?? undefined;
  } while (after);
  return ids;
}

const one = (rule: SegmentRule): SegmentRulesValue => ({
  match: "all",
  groups: [{ match: "all", rules: [rule] }],
});
const sorted = (...ids: string[]) => [...ids].sort();

describe("segment rules", () => {
  it("tags: has or lacks any or all, ignoring case", async () => {
    const ws = await newWorkspace();
    const both = await contact(ws, { name: "Both", tags: ["vip", "lisboa"] });
    const vip = await contact(ws, { name: "Vip", tags: ["VIP"] });
    const none = await contact(ws, { name: "None" });
    const tags = ["vip", "Lisboa"];
    const match = (operator: "has_any" | "has_all" | "lacks_any" | "lacks_all") =>
      members(ws, one({ type: "tag", operator, tags }));
    expect(await match("has_any")).toEqual(sorted(both, vip));
    expect(await match("has_all")).toEqual([both]);
    expect(await match("lacks_any")).toEqual(sorted(vip, none));
    expect(await match("lacks_all")).toEqual([none]);
  });

  it("custom fields compare by their type", async () => {
    const ws = await newWorkspace();
    await field(ws, { key: "city", label: "City", type: "text" });
    await field(ws, { key: "orders", label: "Orders", type: "number" });
    await field(ws, { key: "renewal", label: "Renewal", type: "date" });
    await field(ws, { key: "active", label: "Active", type: "boolean" });
    await field(ws, {
      key: "plan",
      label: "Plan",
      type: "select",
      options: ["free", "pro", "max"],
    });
    const a = await contact(ws, {
      name: "A",
      custom_fields: {
        city: "Lisboa",
        orders: 12,
        renewal: "2026-06-10",
        active: true,
        plan: "pro",
      },
    });
    const b = await contact(ws, {
      name: "B",
      custom_fields: {
        city: "Porto",
        orders: 3,
        renewal: "2026-01-01",
        active: false,
        plan: "max",
      },
    });
    const c = await contact(ws, { name: "C" });
    const f = (fieldKey: string, operator: string, value?: unknown) =>
      members(ws, one({ type: "field", field: fieldKey, operator, value } as SegmentRule));
    expect(await f("city", "eq", "lisboa")).toEqual([a]);
    expect(await f("city", "ne", "Lisboa")).toEqual(sorted(b, c));
    expect(await f("city", "contains", "ort")).toEqual([b]);
    expect(await f("city", "set")).toEqual(sorted(a, b));
    expect(await f("city", "unset")).toEqual([c]);
    expect(await f("orders", "gt", 3)).toEqual([a]);
    expect(await f("orders", "gte", 3)).toEqual(sorted(a, b));
    expect(await f("orders", "lt", 12)).toEqual([b]);
    expect(await f("orders", "lte", 12)).toEqual(sorted(a, b));
    expect(await f("orders", "eq", 3)).toEqual([b]);
    expect(await f("renewal", "before", "2026-06-10")).toEqual([b]);
    expect(await f("renewal", "after", "2026-01-01")).toEqual([a]);
    expect(await f("renewal", "within_last", 7)).toEqual([a]);
    expect(await f("renewal", "within_last", 200)).toEqual(sorted(a, b));
    expect(await f("active", "eq", true)).toEqual([a]);
    expect(await f("active", "eq", false)).toEqual([b]);
    expect(await f("plan", "in", ["pro", "free"])).toEqual([a]);
    expect(await f("plan", "ne", "pro")).toEqual(sorted(b, c));
  });

  it("channels: reachable by kind, or known on a given channel", async () => {
    const ws = await newWorkspace();
    const phone = await contact(ws, { name: "Phone", phone: "+34612345678" });
    const email = await contact(ws, { email: "e@example.com" });
    const telegram = await contact(ws, { name: "Telegram" });
    await db()
      .insert(contactIdentities)
      .values({ workspaceId: ws.id, kind: "telegram:ch_x", value: "42", contactId: telegram });
    const webchat = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(webchat.id, { name: "Visitor" });
    await visitorSays(visitor.token, "hello");
    const kind = (k: "whatsapp" | "sms" | "email" | "telegram" | "webchat", operator = "has") =>
      members(ws, one({ type: "channel_kind", operator, kind: k } as SegmentRule));
    expect(await kind("whatsapp")).toEqual([phone]);
    expect(await kind("sms")).toEqual([phone]);
    expect(await kind("email")).toEqual([email]);
    expect(await kind("telegram")).toEqual([telegram]);
    expect(await kind("webchat")).toEqual([visitor.visitor_id]);
    expect(await kind("telegram", "lacks")).toEqual(sorted(phone, email, visitor.visitor_id));
    const on = (operator: "has" | "lacks") =>
      members(ws, one({ type: "channel", operator, channel_id: webchat.id }));
    expect(await on("has")).toEqual([visitor.visitor_id]);
    expect(await on("lacks")).toEqual(sorted(phone, email, telegram));
  });

  it("consent by channel kind, with no answer counted as not opted out", async () => {
    const ws = await newWorkspace();
    const yes = await contact(ws, { name: "Yes", consent: { sms: "opted_in" } });
    const no = await contact(ws, { name: "No", consent: { sms: "opted_out", email: "opted_in" } });
    const unknown = await contact(ws, { name: "Unknown" });
    const consent = (status: "opted_in" | "opted_out" | "not_opted_out") =>
      members(ws, one({ type: "consent", channel: "sms", status }));
    expect(await consent("opted_in")).toEqual([yes]);
    expect(await consent("opted_out")).toEqual([no]);
    expect(await consent("not_opted_out")).toEqual(sorted(yes, unknown));
  });

  it("last activity and creation are read against the clock", async () => {
    const ws = await newWorkspace();
    const recent = await contact(ws, { name: "Recent" });
    const old = await contact(ws, { name: "Old" });
    await setRow(recent, { lastActivityAt: NOW - 2 * DAY, createdAt: NOW - 40 * DAY });
    await setRow(old, { lastActivityAt: NOW - 60 * DAY, createdAt: NOW - 400 * DAY });
    const active = (operator: "within" | "not_within", days: number, now = NOW) =>
      members(ws, one({ type: "last_activity", operator, days }), now);
    expect(await active("within", 30)).toEqual([recent]);
    expect(await active("not_within", 30)).toEqual([old]);
    // a month later, nobody has written within 30 days
    expect(await active("within", 30, NOW + 30 * DAY)).toEqual([]);
    const created = (rule: Omit<Extract<SegmentRule, { type: "created" }>, "type">) =>
      members(ws, one({ type: "created", ...rule }));
    expect(await created({ operator: "within_last", days: 90 })).toEqual([recent]);
    const oldDay = new Date(NOW - 400 * DAY).toISOString().slice(0, 10);
    expect(await created({ operator: "before", date: oldDay })).toEqual([]);
    expect(await created({ operator: "after", date: oldDay })).toEqual([recent]);
    expect(await created({ operator: "before", date: "2026-06-01" })).toEqual(sorted(recent, old));
  });

  it("language (a bare language takes its regions) and timezone", async () => {
    const ws = await newWorkspace();
    const mx = await contact(ws, {
      name: "Mx",
      language: "es-MX",
      timezone: "America/Mexico_City",
    });
    const pt = await contact(ws, { name: "Pt", language: "pt-BR", timezone: "Europe/Lisbon" });
    const none = await contact(ws, { name: "None" });
    const language = (operator: "in" | "not_in", values: string[]) =>
      members(ws, one({ type: "language", operator, values }));
    expect(await language("in", ["es"])).toEqual([mx]);
    expect(await language("in", ["pt-br", "fr"])).toEqual([pt]);
    expect(await language("in", ["pt-PT"])).toEqual([]);
    expect(await language("not_in", ["es"])).toEqual(sorted(pt, none));
    const timezone = (operator: "in" | "not_in") =>
      members(ws, one({ type: "timezone", operator, values: ["Europe/Lisbon"] }));
    expect(await timezone("in")).toEqual([pt]);
    expect(await timezone("not_in")).toEqual(sorted(mx, none));
  });

  it("nests AND and OR: groups of any inside all, and all inside any", async () => {
    const ws = await newWorkspace();
    const vipLisbon = await contact(ws, { name: "1", tags: ["vip"], language: "pt" });
    const vipMadrid = await contact(ws, { name: "2", tags: ["vip"], language: "es" });
    const lead = await contact(ws, { name: "3", tags: ["lead"], language: "pt" });
    await contact(ws, { name: "4", language: "fr" });
    const vip: SegmentRule = { type: "tag", operator: "has_any", tags: ["vip"] };
    const leadTag: SegmentRule = { type: "tag", operator: "has_any", tags: ["lead"] };
    const portuguese: SegmentRule = { type: "language", operator: "in", values: ["pt"] };
    const spanish: SegmentRule = { type: "language", operator: "in", values: ["es"] };
    expect(
      await members(ws, {
        match: "all",
        groups: [
          { match: "any", rules: [vip, leadTag] },
          { match: "all", rules: [portuguese] },
        ],
      }),
    ).toEqual(sorted(vipLisbon, lead));
    expect(
      await members(ws, {
        match: "any",
        groups: [
          { match: "all", rules: [vip, spanish] },
          { match: "all", rules: [leadTag, portuguese] },
        ],
      }),
    ).toEqual(sorted(vipMadrid, lead));
  });

  it("counts every match and samples the newest ten", async () => {
    const ws = await newWorkspace();
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await contact(ws, { name: `C${i}`, tags: ["vip"] }));
    await contact(ws, { name: "Other" });
    const preview = await previewSegment(
      createDb(env.DB),
      ws.id,
      one({ type: "tag", operator: "has_any", tags: ["vip"] }),
      NOW,
    );
    expect(preview.count).toBe(12);
    expect(preview.sample.map((c) => c.id)).toEqual(
      sorted(...ids)
        .reverse()
        .slice(0, 10),
    );
    expect(preview.sample[0]?.tags).toEqual(["vip"]);
  });

  it("pages by id: contacts added or removed while paging shift nothing", async () => {
    const ws = await newWorkspace();
    const created: string[] = [];
    for (let i = 0; i < 5; i++) created.push(await contact(ws, { name: `P${i}`, tags: ["vip"] }));
    const ids = sorted(...created);
    const rules = one({ type: "tag", operator: "has_any", tags: ["vip"] });
    const scoped = createDb(env.DB);
    const first = await contactsInSegment(scoped, ws.id, rules, { limit: 2, now: NOW });
    expect(first.data.map((c) => c.id)).toEqual(ids.slice(0, 2));
    // one already read leaves, a new one arrives: the rest still comes once each, in order
    await api(`/api/v1/contacts/${ids[0]}`, { cookie: ws.ownerCookie, method: "DELETE" });
    const late = await contact(ws, { name: "Late", tags: ["vip"] });
    const rest: string[] = [];
    let after = first.next_after ?? undefined;
    while (after) {
      const page = await contactsInSegment(scoped, ws.id, rules, { after, limit: 2, now: NOW });
      rest.push(...page.data.map((c) => c.id));
      after = page.next_after ?? undefined;
    }
    expect(rest).toEqual([...ids.slice(2), late]);
  });

  it("never takes in another workspace's contacts", async () => {
    const [mine, theirs] = await Promise.all([newWorkspace(), newWorkspace()]);
    const own = await contact(mine, { name: "Mine", tags: ["vip"], consent: { sms: "opted_in" } });
    await contact(theirs, { name: "Theirs", tags: ["vip"], consent: { sms: "opted_in" } });
    expect(
      await members(mine, {
        match: "any",
        groups: [
          { match: "all", rules: [{ type: "tag", operator: "has_any", tags: ["vip"] }] },
          { match: "all", rules: [{ type: "consent", channel: "sms", status: "opted_in" }] },
          { match: "all", rules: [{ type: "tag", operator: "lacks_all", tags: ["nothing"] }] },
        ],
      }),
    ).toEqual([own]);
  });

  it("counts through indexes: tags by their tag index, contacts by the workspace's", async () => {
    const ws = await newWorkspace();
    await field(ws, { key: "city", label: "City", type: "text" });
    const scoped = createDb(env.DB);
    const where = await compileSegment(
      scoped,
      ws.id,
      {
        match: "all",
        groups: [
          {
            match: "all",
            rules: [
              { type: "tag", operator: "has_all", tags: ["vip", "lisboa"] },
              { type: "field", field: "city", operator: "eq", value: "Lisboa" },
            ],
          },
        ],
      },
      NOW,
    );
    const query = scoped.select({ n: sql`count(*)` }).from(contacts).where(where).toSQL();
    const plan = await env.DB.prepare(`EXPLAIN QUERY PLAN ${query.sql}`)
      .bind(...query.params)
      .all<{ detail: string }>();
    const steps = plan.results.map((r) => r.detail).join("\n");
    expect(steps).toMatch(/contact_tags USING (COVERING )?INDEX contact_tags_tag_idx/);
    expect(steps).toMatch(
      /contacts USING (COVERING )?INDEX|contacts USING INTEGER PRIMARY KEY|contacts USING INDEX/,
    );
    expect(steps).not.toMatch(/SCAN contacts\b(?! USING)/);
  });
});
