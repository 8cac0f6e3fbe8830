import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
// the snippet the README documents for receivers
import { verifyConversaSignature } from "../../examples/verify-webhook.mjs";
import { acrossWorkspaces, createDb } from "../../worker/db/client";
import { webhookDeliveries, webhookSubscriptions } from "../../worker/db/schema";
import { attemptDelivery, DISABLE_AFTER } from "../../worker/domain/webhooks/delivery";
import { eventually, fakeRequests, fakeUrl, scriptFake, uniqueDigits } from "../channel-helpers";
import {
  api,
  expectProblem,
  json,
  newWebchat,
  newWorkspace,
  visitorSays,
  visitorSession,
} from "../helpers";

type Subscription = { id: string; secret: string; active: boolean; disabled_reason: string | null };
type Delivery = {
  id: string;
  event_id: string;
  state: string;
  attempts: number;
  last_status: number | null;
};

async function subscribe(cookie: string, events: string[]) {
  const path = `/hooks/${uniqueDigits()}`;
  const response = await api("/api/v1/webhook-subscriptions", {
    cookie,
    body: { url: `${fakeUrl()}${path}`, events },
  });
  if (response.status !== 201) throw new Error(`subscribe: ${await response.text()}`);
  return { path, subscription: await json<Subscription>(response) };
}

const bodies = async (path: string) =>
  (await fakeRequests(path)).map((r) => ({
    ...r,
    event: JSON.parse(r.body) as { id: string; type: string; data: Record<string, unknown> },
  }));

describe("outbound webhooks", () => {
  it("refuse loopback, private and link-local targets", async () => {
    const ws = await newWorkspace();
    for (const url of [
      "http://127.0.0.1:8080/hook",
      "http://10.1.2.3/hook",
      "http://169.254.169.254/latest/meta-data",
      "http://[::1]/hook",
      "http://192.168.0.10/hook",
      "http://localhost/hook",
      "http://[fd00::1]/hook",
    ]) {
      const response = await api("/api/v1/webhook-subscriptions", {
        cookie: ws.ownerCookie,
        body: { url, events: ["message.created"] },
      });
      const problem = await expectProblem(response, 422);
      expect(problem.errors?.[0]?.path, url).toBe("url");
    }
  });

  it("deliver signed events a receiver can verify with the documented snippet", async () => {
    const ws = await newWorkspace();
    const { path, subscription } = await subscribe(ws.ownerCookie, [
      "contact.created",
      "conversation.created",
      "message.created",
    ]);
    expect(subscription.secret).toMatch(/^whsec_/);
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const { conversation_id } = await visitorSays(visitor.token, "Where is my parcel?");
    const received = await eventually(async () => {
      const all = await bodies(path);
      return all.length >= 2 ? all : undefined;
    }, "two deliveries");
    expect(received.map((r) => r.event.type).sort()).toEqual([
      "conversation.created",
      "message.created",
    ]);
    for (const r of received) {
      expect(
        await verifyConversaSignature(subscription.secret, r.headers["conversa-signature"], r.body),
      ).toBe(true);
      expect(
        await verifyConversaSignature("whsec_wrong", r.headers["conversa-signature"], r.body),
      ).toBe(false);
      expect(
        await verifyConversaSignature(
          subscription.secret,
          r.headers["conversa-signature"],
          `${r.body} `,
        ),
      ).toBe(false);
      expect(r.headers["conversa-event-id"]).toBe(r.event.id);
    }
    const message = received.find((r) => r.event.type === "message.created");
    expect(message?.event.data).toMatchObject({
      conversation_id,
      message: { text: "Where is my parcel?", sender_type: "visitor" },
    });
  });

  it("retries a failing receiver with backoff until it answers, logs it, and replays on demand", async () => {
    const ws = await newWorkspace();
    const { path, subscription } = await subscribe(ws.ownerCookie, ["contact.created"]);
    await scriptFake({ path, status: 503, body: { error: "maintenance" } });
    const created = await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      body: { name: "Iris", email: `iris-${uniqueDigits(6)}@example.com` },
    });
    expect(created.status).toBe(201);
    const attempts = await eventually(async () => {
      const all = await fakeRequests(path);
      return all.length >= 2 ? all : undefined;
    }, "a retry after the failure");
    expect(attempts[0]?.response.status).toBe(503);
    expect(attempts[1]?.response.status).toBe(200);
    expect((attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0)).toBeGreaterThanOrEqual(1500);
    expect(attempts[0]?.headers["conversa-event-id"]).toBe(
      attempts[1]?.headers["conversa-event-id"],
    );

    const log = await eventually(async () => {
      const { data } = await json<{ data: Delivery[] }>(
        await api(`/api/v1/webhook-subscriptions/${subscription.id}/deliveries`, {
          cookie: ws.ownerCookie,
        }),
      );
      return data[0]?.state === "succeeded" ? data : undefined;
    }, "the logged success");
    expect(log[0]).toMatchObject({ attempts: 2, last_status: 200 });

    const replay = await api(`/api/v1/webhook-deliveries/${log[0]?.id}/replay`, {
      cookie: ws.ownerCookie,
      method: "POST",
    });
    expect(replay.status).toBe(202);
    const again = await eventually(async () => {
      const all = await fakeRequests(path);
      return all.length >= 3 ? all : undefined;
    }, "the replay");
    expect(again[2]?.headers["conversa-event-id"]).toBe(log[0]?.event_id);
  });

  it("switches a subscription off after deliveries keep failing for a day", async () => {
    const ws = await newWorkspace();
    const { path, subscription } = await subscribe(ws.ownerCookie, ["contact.updated"]);
    const db = acrossWorkspaces(createDb(env.DB));
    await scriptFake({ path, status: 500, body: {}, times: DISABLE_AFTER });
    const dayAgo = Date.now() - 25 * 60 * 60 * 1000;
    for (let i = 0; i < DISABLE_AFTER; i++) {
      const id = `dlv_test${uniqueDigits()}`;
      await db.insert(webhookDeliveries).values({
        id,
        workspaceId: ws.id,
        subscriptionId: subscription.id,
        eventId: `evt_test${i}`,
        eventType: "contact.updated",
        payload: JSON.stringify({ id: `evt_test${i}`, type: "contact.updated", data: {} }),
        createdAt: dayAgo,
        updatedAt: dayAgo,
      });
      expect(await attemptDelivery(db, env, id)).toBeNull();
    }
    const row = await db.query.webhookSubscriptions.findFirst({
      where: eq(webhookSubscriptions.id, subscription.id),
    });
    expect(row?.active).toBe(false);
    expect(row?.disabledReason).toMatch(/failed/);
    const listed = await json<{ data: Subscription[] }>(
      await api("/api/v1/webhook-subscriptions", { cookie: ws.ownerCookie }),
    );
    expect(listed.data[0]).toMatchObject({
      active: false,
      disabled_reason: expect.stringMatching(/re-enable/),
    });
    const reenabled = await json<Subscription>(
      await api(`/api/v1/webhook-subscriptions/${subscription.id}`, {
        method: "PATCH",
        cookie: ws.ownerCookie,
        body: { active: true },
      }),
    );
    expect(reenabled).toMatchObject({ active: true, disabled_reason: null });
  });
});

describe("audit log", () => {
  it("records administrative actions with actor and change, never secrets", async () => {
    const ws = await newWorkspace();
    const channel = await api("/api/v1/channels", {
      cookie: ws.ownerCookie,
      body: {
        type: "telegram",
        name: "Bot",
        config: { bot_token: "123:SECRET", secret_token: "abc" },
      },
    });
    const { id } = await json<{ id: string }>(channel);
    await api(`/api/v1/channels/${id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: { config: { bot_token: "456:SECRET2" } },
    });
    await api("/api/v1/api-keys", {
      cookie: ws.ownerCookie,
      body: { name: "zapier", role: "agent" },
    });
    const log = await json<{
      data: { action: string; actor: { type: string; id: string }; changes: unknown }[];
    }>(await api("/api/v1/audit-log", { cookie: ws.ownerCookie }));
    expect(log.data.map((e) => e.action)).toEqual([
      "api_key.created",
      "channel.updated",
      "channel.created",
    ]);
    expect(log.data.every((e) => e.actor.type === "user" && e.actor.id === ws.owner.id)).toBe(true);
    expect(JSON.stringify(log.data)).not.toContain("SECRET");
    expect(log.data[1]?.changes).toEqual({ config_keys: ["bot_token"] });
    const agent = await ws.addMember("agent");
    await expectProblem(await api("/api/v1/audit-log", { cookie: await agent.login() }), 403);
  });
});
