import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fakeRequests, fakeUrl, hmacHex } from "../channel-helpers";
import { api, expectProblem, freshEmail, json, newWorkspace, ORIGIN } from "../helpers";
import { type AutomationDto, newAutomation, refusedPaths, runOf, runsOf } from "./helpers";

type WebhookAutomation = AutomationDto & { webhook_url: string | null };

const SECRET = "a-webhook-signing-secret";

/** Calls a webhook URL with a raw JSON body, as an outside system would. */
function call(url: string, body: unknown, headers: Record<string, string> = {}) {
  const rawBody = typeof body === "string" ? body : JSON.stringify(body);
  return api(new URL(url).pathname, {
    rawBody,
    headers: { "content-type": "application/json", ...headers },
    origin: null,
  });
}

const signed = async (body: unknown, secret = SECRET) => {
  const raw = JSON.stringify(body);
  return { raw, signature: `sha256=${await hmacHex(secret, raw)}` };
};

async function started(response: Response) {
  expect(response.status, await response.clone().text()).toBe(202);
  return (await json<{ run_ids: string[] }>(response)).run_ids;
}

const count = async (table: "contacts" | "automation_runs", workspaceId: string) =>
  (
    await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE workspace_id = ?`)
      .bind(workspaceId)
      .first<{ n: number }>()
  )?.n;

async function contactByEmail(workspaceId: string, email: string) {
  return env.DB.prepare("SELECT id, name, phone FROM contacts WHERE workspace_id = ? AND email = ?")
    .bind(workspaceId, email)
    .first<{ id: string; name: string | null; phone: string | null }>();
}

async function webhookAutomation(trigger: Record<string, unknown> = {}, steps: unknown[] = []) {
  const ws = await newWorkspace();
  const automation = (await newAutomation(ws.ownerCookie, {
    trigger: { type: "webhook", ...trigger },
    steps: steps.length ? steps : [{ id: "tag", type: "add_tag", tag: "from-webhook" }],
  })) as WebhookAutomation;
  return { ws, cookie: ws.ownerCookie, automation, url: automation.webhook_url ?? "" };
}

describe("the incoming webhook trigger", () => {
  it("gives the automation an absolute URL that starts it with the sent data and a new contact", async () => {
    const path = `/echo/webhook-${Date.now()}`;
    const { ws, cookie, automation, url } = await webhookAutomation({}, [
      {
        id: "notify",
        type: "http_request",
        method: "POST",
        url: `${fakeUrl()}${path}`,
        body: { order: "{{trigger.data.order.id}}", who: "{{contact.name}}" },
      },
    ]);
    expect(url).toMatch(new RegExp(`^${ORIGIN}/webhooks/automations/[A-Za-z0-9_-]{43}$`));
    const email = freshEmail("buyer");
    const runIds = await started(
      await call(url, {
        contact: { email: email.toUpperCase(), name: "Ana Pérez" },
        data: { order: { id: "A-1001" } },
      }),
    );
    expect(runIds).toHaveLength(1);
    const contact = await contactByEmail(ws.id, email);
    expect(contact?.name).toBe("Ana Pérez");
    const run = await runOf(cookie, runIds[0] ?? "");
    expect(run).toMatchObject({ status: "completed", contact_id: contact?.id });
    const [received] = await fakeRequests(path);
    expect(JSON.parse(received?.body ?? "{}")).toEqual({ order: "A-1001", who: "Ana Pérez" });
    const [listed] = (await runsOf(cookie, automation.id)).data;
    expect(listed).toMatchObject({
      trigger: { type: "webhook", data: { order: { id: "A-1001" } } },
    });
  });

  it("runs without a contact when none is named", async () => {
    const { cookie, url } = await webhookAutomation();
    const [runId] = await started(await call(url, { data: { n: 1 } }));
    expect((await runOf(cookie, runId ?? "")).contact_id).toBeNull();
    expect(await started(await call(url, ""))).toHaveLength(1);
  });

  it("finds the contact by id, by email and by phone in any common format", async () => {
    const { ws, cookie, url } = await webhookAutomation();
    const email = freshEmail("known");
    const created = await api("/api/v1/contacts", {
      cookie,
      body: { name: "Known", email, phone: "+34612345678" },
    });
    const known = await json<{ id: string }>(created);
    const before = await count("contacts", ws.id);
    for (const contact of [
      { id: known.id },
      { email: email.toUpperCase() },
      { phone: "+34 612 34 56 78", name: "Not renamed" },
    ]) {
      const [runId] = await started(await call(url, { contact }));
      expect((await runOf(cookie, runId ?? "")).contact_id, JSON.stringify(contact)).toBe(known.id);
    }
    expect(await count("contacts", ws.id)).toBe(before);
    const [byNewPhone] = await started(await call(url, { contact: { phone: "+1 415 555 0134" } }));
    const newcomer = (await runOf(cookie, byNewPhone ?? "")).contact_id;
    expect(newcomer).not.toBe(known.id);
    const stored = await env.DB.prepare("SELECT phone FROM contacts WHERE id = ?")
      .bind(newcomer)
      .first<{ phone: string }>();
    expect(stored?.phone).toBe("+14155550134");
  });

  it("refuses unsigned and wrongly signed calls when the trigger has a secret, storing nothing", async () => {
    const { ws, url, automation } = await webhookAutomation({ secret: SECRET });
    expect(automation.has_secret).toBe(true);
    const body = { contact: { email: freshEmail("signed") }, data: { x: 1 } };
    const contacts = await count("contacts", ws.id);
    const wrong = await signed(body, "another-secret-entirely");
    for (const headers of [
      {},
      { "x-conversa-signature": wrong.signature },
      { "x-conversa-signature": "sha256=zz" },
    ])
      await expectProblem(await call(url, body, headers), 401);
    expect(await count("contacts", ws.id)).toBe(contacts);
    expect(await count("automation_runs", ws.id)).toBe(0);
    const good = await signed(body);
    const tampered = good.raw.replace('"x":1', '"x":2');
    await expectProblem(await call(url, tampered, { "x-conversa-signature": good.signature }), 401);
    const runIds = await started(
      await call(url, good.raw, { "x-conversa-signature": good.signature }),
    );
    expect(runIds).toHaveLength(1);
    expect(await count("contacts", ws.id)).toBe(contacts ? contacts + 1 : 1);
  });

  it("starts one run per Idempotency-Key and answers the same run ids again", async () => {
    const { ws, url } = await webhookAutomation();
    const body = { contact: { email: freshEmail("once") } };
    const headers = { "idempotency-key": "order-1001" };
    const first = await started(await call(url, body, headers));
    const again = await started(await call(url, body, headers));
    expect(again).toEqual(first);
    expect(first).toHaveLength(1);
    const other = await started(await call(url, body, { "idempotency-key": "order-1002" }));
    expect(other).not.toEqual(first);
    expect(await count("automation_runs", ws.id)).toBe(2);
    await expectProblem(await call(url, body, { "idempotency-key": "has spaces" }), 422);
  });

  it("keeps the URL through edits, and a rotated URL retires the old one", async () => {
    const { cookie, automation, url } = await webhookAutomation();
    const patched = await json<WebhookAutomation>(
      await api(`/api/v1/automations/${automation.id}`, {
        cookie,
        method: "PATCH",
        body: { name: "Renamed", steps: [{ type: "add_tag", tag: "other" }] },
      }),
    );
    expect(patched.webhook_url).toBe(url);
    const copy = await json<WebhookAutomation>(
      await api(`/api/v1/automations/${automation.id}/duplicate`, { cookie, method: "POST" }),
    );
    expect(copy.webhook_url).toMatch(/\/webhooks\/automations\//);
    expect(copy.webhook_url).not.toBe(url);
    const rotated = await api(`/api/v1/automations/${automation.id}/webhook-token/rotate`, {
      cookie,
      method: "POST",
    });
    expect(rotated.status).toBe(200);
    const fresh = (await json<WebhookAutomation>(rotated)).webhook_url ?? "";
    expect(fresh).not.toBe(url);
    await expectProblem(await call(url, {}), 404);
    await started(await call(fresh, {}));
    const retriggered = await json<WebhookAutomation>(
      await api(`/api/v1/automations/${automation.id}`, {
        cookie,
        method: "PATCH",
        body: { trigger: { type: "contact.created" } },
      }),
    );
    expect(retriggered.webhook_url).toBeNull();
    await expectProblem(await call(fresh, {}), 404);
    await expectProblem(
      await api(`/api/v1/automations/${automation.id}/webhook-token/rotate`, {
        cookie,
        method: "POST",
      }),
      409,
    );
  });

  it("answers 404 for unknown URLs and automations that are not active", async () => {
    const { cookie, automation, url } = await webhookAutomation();
    await expectProblem(await call(`${ORIGIN}/webhooks/automations/unknown-token`, {}), 404);
    const draft = (await newAutomation(
      cookie,
      { trigger: { type: "webhook" }, steps: [{ type: "add_tag", tag: "x" }] },
      { draft: true },
    )) as WebhookAutomation;
    await expectProblem(await call(draft.webhook_url ?? "", {}), 404);
    await api(`/api/v1/automations/${automation.id}/deactivate`, { cookie, body: {} });
    await expectProblem(await call(url, {}), 404);
  });

  it("refuses bad JSON, a wrong shape and oversized bodies with problems, storing nothing", async () => {
    const { ws, url } = await webhookAutomation();
    expect(await refusedPaths(await call(url, "{not json"))).toEqual([""]);
    expect(
      await refusedPaths(
        await call(url, { contact: { name: "No way to find" }, data: [1], extra: true }),
      ),
    ).toEqual(["contact.id", "data", "extra"]);
    expect(await refusedPaths(await call(url, { contact: { phone: "12" } }))).toEqual([
      "contact.phone",
    ]);
    expect(await refusedPaths(await call(url, { contact: { id: "ct_nowhere" } }))).toEqual([
      "contact.id",
    ]);
    await expectProblem(await call(url, { data: { blob: "x".repeat(70 * 1024) } }), 413);
    expect(await count("automation_runs", ws.id)).toBe(0);
  });

  it("limits calls per URL with 429", async () => {
    const { url } = await webhookAutomation({ secret: SECRET });
    const statuses = (await Promise.all(Array.from({ length: 75 }, () => call(url, {}, {})))).map(
      (r) => r.status,
    );
    expect(statuses).toContain(429);
    expect(statuses.filter((s) => s !== 429).every((s) => s === 401)).toBe(true);
  });
});
