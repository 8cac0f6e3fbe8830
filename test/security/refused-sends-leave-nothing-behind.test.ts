import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { conversations, whatsappTemplates } from "../../worker/db/schema";
import { newId } from "../../worker/lib/ids";
import { fakeUrl, newChannel, uniqueDigits } from "../channel-helpers";
import { api, createKey, db, expectProblem, json, newWorkspace } from "../helpers";

/** Every row a send could leave behind, for the workspace, in a stable order. */
async function stored(workspaceId: string) {
  const tables = [
    "contacts",
    "contact_identities",
    "conversations",
    "messages",
    "webhook_deliveries",
  ];
  const rows = await env.DB.batch(
    tables.map((table) =>
      env.DB.prepare(`SELECT * FROM ${table} WHERE workspace_id = ? ORDER BY 1, 2`).bind(
        workspaceId,
      ),
    ),
  );
  const files = await env.FILES.list({ prefix: `${workspaceId}/` });
  return JSON.stringify([...rows.map((r) => r.results), files.objects.map((o) => o.key)]);
}

async function whatsapp() {
  const ws = await newWorkspace();
  const key = await createKey(ws.ownerCookie);
  const channel = await newChannel(ws.ownerCookie, "whatsapp", {
    phone_number_id: uniqueDigits(15),
    waba_id: uniqueDigits(15),
    access_token: "EAAG-test-token",
    app_secret: "wa-app-secret",
    verify_token: "verify-me-please",
    api_base_url: fakeUrl(),
  });
  await db()
    .insert(whatsappTemplates)
    .values({
      id: newId("tpl"),
      workspaceId: ws.id,
      channelId: channel.id,
      name: "greeting",
      language: "en_US",
      status: "APPROVED",
      body: "Hello {{1}}!",
      variableCount: 1,
      updatedAt: Date.now(),
    });
  const send = (body: Record<string, unknown>) =>
    api("/api/v1/messages", { key, body: { channel_id: channel.id, ...body } });
  return { ws, key, channel, send };
}

describe("a send refused with 422", () => {
  it("creates no contact and no conversation: window closed, template unknown, variables empty", async () => {
    const { ws, send } = await whatsapp();
    await newWebhookSubscription(ws.ownerCookie);
    const before = await stored(ws.id);
    const phone = `+1650${uniqueDigits(7)}`;
    const refusals: [Record<string, unknown>, string][] = [
      [{ to: { phone }, text: "Hi there" }, "text"],
      [{ to: { phone }, template: { name: "nope", variables: [] } }, "template.name"],
      [{ to: { phone }, template: { name: "greeting", variables: [] } }, "template.variables"],
      [
        { to: { phone }, template: { name: "greeting", variables: ["{{contact.first_name}}"] } },
        "template.variables.0",
      ],
      [
        { to: { phone }, template: { name: "greeting", variables: ["{{contact.nickname}}"] } },
        "template.variables.0",
      ],
    ];
    for (const [body, path] of refusals) {
      const problem = await expectProblem(await send(body), 422);
      expect(problem.errors?.[0]?.path, JSON.stringify(body)).toBe(path);
    }
    expect(await stored(ws.id)).toBe(before);

    // the same address with what the rules allow: the contact and conversation appear now
    const accepted = await send({
      to: { phone, name: "Ana" },
      template: { name: "greeting", variables: ["{{contact.first_name}}"] },
    });
    expect(accepted.status).toBe(202);
    expect(await stored(ws.id)).not.toBe(before);
  });

  it("creates nothing when the attachment cannot be fetched", async () => {
    const ws = await newWorkspace();
    const key = await createKey(ws.ownerCookie);
    const channel = await newChannel(ws.ownerCookie, "telegram", {
      bot_token: `${uniqueDigits(10)}:AAS${uniqueDigits(20)}`,
      secret_token: "refused_send_secret",
      api_base_url: fakeUrl(),
    });
    const before = await stored(ws.id);
    const problem = await expectProblem(
      await api("/api/v1/messages", {
        key,
        body: {
          channel_id: channel.id,
          to: { platform_id: uniqueDigits(9), name: "Sam" },
          text: "Your invoice",
          attachment: { url: `${fakeUrl()}/nothing-here` },
        },
      }),
      422,
    );
    expect(problem.errors?.[0]?.path).toBe("attachment.url");
    expect(await stored(ws.id)).toBe(before);
  });

  it("to a known contact adds no message and no conversation", async () => {
    const { ws, send } = await whatsapp();
    const phone = `+1650${uniqueDigits(7)}`;
    const first = await json<{ conversation_id: string }>(
      await send({ to: { phone, name: "Ana" }, template: { name: "greeting", variables: ["x"] } }),
    );
    // closed, so a send would open a new conversation: refused, it opens none
    await db()
      .update(conversations)
      .set({ status: "closed" })
      .where(eq(conversations.id, first.conversation_id));
    const before = await stored(ws.id);
    await expectProblem(await send({ to: { phone }, text: "Still there?" }), 422);
    expect(await stored(ws.id)).toBe(before);
  });

  it("from the inbox composer stores no file", async () => {
    const { ws, send } = await whatsapp();
    const phone = `+1650${uniqueDigits(7)}`;
    const { conversation_id: id } = await json<{ conversation_id: string }>(
      await send({ to: { phone }, template: { name: "greeting", variables: ["x"] } }),
    );
    const before = await stored(ws.id);
    const form = new FormData();
    form.set("file", new File(["%PDF-1.4"], "invoice.pdf", { type: "application/pdf" }));
    form.set("text", "Your invoice");
    const problem = await expectProblem(
      await api(`/api/v1/conversations/${id}/attachments`, {
        cookie: ws.ownerCookie,
        rawBody: form,
      }),
      422,
    );
    expect(problem.errors?.[0]?.path).toBe("text");
    expect(await stored(ws.id)).toBe(before);
  });
});

/** A subscription to contact and conversation events: a refused send must announce nothing. */
async function newWebhookSubscription(cookie: string) {
  const response = await api("/api/v1/webhook-subscriptions", {
    cookie,
    body: {
      url: `${fakeUrl()}/hooks/refused-${uniqueDigits()}`,
      events: ["contact.created", "conversation.created"],
    },
  });
  expect(response.status).toBe(201);
}
