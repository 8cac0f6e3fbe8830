import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contactIdentities, webPushSubscriptions } from "../../worker/db/schema";
import { eventually, fakeRequests, scriptFake } from "../channel-helpers";
import { api, db, expectProblem, json, newWorkspace, visitorSession } from "../helpers";
import {
  browserSubscription,
  decryptPush,
  PUSH_HOST,
  pushSetup,
  SUBJECT,
  subscribedVisitor,
  subscribeRequest,
  verifyVapid,
} from "../web-push-helpers";

const subscriptionsOf = (contactId: string) =>
  db().select().from(webPushSubscriptions).where(eq(webPushSubscriptions.contactId, contactId));

const identitiesOf = (contactId: string) =>
  db().select().from(contactIdentities).where(eq(contactIdentities.contactId, contactId));

type Contact = { consent: Record<string, { status: string; source: string }> };

const contactOf = (cookie: string, id: string) =>
  api(`/api/v1/contacts/${id}`, { cookie }).then((r) => json<Contact>(r));

async function sendText(cookie: string, channelId: string, contactId: string, text: string) {
  const response = await api("/api/v1/messages", {
    cookie,
    body: { channel_id: channelId, to: { contact_id: contactId }, text },
  });
  if (response.status !== 201 && response.status !== 202)
    throw new Error(`send failed: ${response.status} ${await response.text()}`);
  return json<{ id: string }>(response);
}

const messageStatus = (cookie: string, id: string) =>
  api(`/api/v1/messages/${id}`, { cookie }).then((r) =>
    json<{ status: string; failure_reason?: string | null }>(r),
  );

const pushesTo = (subscriptionId: string) => fakeRequests(`/${PUSH_HOST}/push/${subscriptionId}`);

describe("web push channel", () => {
  it("generates its VAPID keys: the public one is shown, the private one is sealed and fixed", async () => {
    const ws = await newWorkspace();
    const { channel } = await pushSetup(ws.ownerCookie);
    const shown = await json<{ config: Record<string, unknown>; secrets_set: string[] }>(
      await api(`/api/v1/channels/${channel.id}`, { cookie: ws.ownerCookie }),
    );
    expect(shown.config.vapid_public_key).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect(shown.config).not.toHaveProperty("vapid_private_key");
    expect(shown.secrets_set).toEqual(["vapid_private_key"]);
    const refused = await expectProblem(
      await api(`/api/v1/channels/${channel.id}`, {
        cookie: ws.ownerCookie,
        method: "PATCH",
        body: { config: { vapid_public_key: "A".repeat(87) } },
      }),
      422,
    );
    expect(refused.errors?.map((e) => e.path)).toEqual(["config.vapid_public_key"]);
    const given = await expectProblem(
      await api("/api/v1/channels", {
        cookie: ws.ownerCookie,
        body: {
          type: "web_push",
          name: "Push",
          config: { subject: SUBJECT, vapid_private_key: "x".repeat(43) },
        },
      }),
      422,
    );
    expect(given.errors?.map((e) => e.path)).toEqual(["config.vapid_private_key"]);
    const badSubject = await expectProblem(
      await api("/api/v1/channels", {
        cookie: ws.ownerCookie,
        body: { type: "web_push", name: "Push", config: { subject: "support@acme.test" } },
      }),
      422,
    );
    expect(badSubject.errors?.map((e) => e.path)).toEqual(["config.subject"]);
    // there is no address to send a push to: only a contact's subscribed browsers
    const byAddress = await expectProblem(
      await api("/api/v1/messages", {
        cookie: ws.ownerCookie,
        body: { channel_id: channel.id, to: { platform_id: "wps_somebody" }, text: "Hi" },
      }),
      422,
    );
    expect(byAddress.errors?.map((e) => e.path)).toEqual(["to.contact_id"]);
    const testSend = await expectProblem(
      await api(`/api/v1/channels/${channel.id}/test`, {
        cookie: ws.ownerCookie,
        body: { to: "someone", text: "Hi" },
      }),
      422,
    );
    expect(testSend.errors?.map((e) => e.path)).toEqual(["id"]);
  });

  it("refuses malformed subscriptions with the field at fault and stores nothing", async () => {
    const ws = await newWorkspace();
    const { channel, webchat } = await pushSetup(ws.ownerCookie);
    const visitor = await visitorSession(webchat.id);
    const browser = await browserSubscription();
    const cases: [unknown, string][] = [
      [{ ...browser.json, endpoint: `http://${PUSH_HOST}/push/1` }, "subscription.endpoint"],
      [
        { ...browser.json, endpoint: `https://${PUSH_HOST}/${"a".repeat(1000)}` },
        "subscription.endpoint",
      ],
      [
        { ...browser.json, keys: { ...browser.json.keys, p256dh: "BAAA" } },
        "subscription.keys.p256dh",
      ],
      [
        {
          ...browser.json,
          keys: { ...browser.json.keys, p256dh: `A${browser.json.keys.p256dh.slice(1)}` },
        },
        "subscription.keys.p256dh",
      ],
      [{ ...browser.json, keys: { ...browser.json.keys, auth: "%%%" } }, "subscription.keys.auth"],
      [{ endpoint: browser.json.endpoint }, "subscription.keys"],
    ];
    for (const [subscription, path] of cases) {
      const problem = await expectProblem(
        await subscribeRequest(visitor.token, { channel_id: channel.id, subscription }),
        422,
      );
      expect(problem.errors?.map((e) => e.path)).toContain(path);
    }
    // a channel that is not a web push channel of the visitor's workspace is not found
    const other = await newWorkspace();
    const { channel: foreign } = await pushSetup(other.ownerCookie);
    for (const channelId of [foreign.id, webchat.id])
      await expectProblem(
        await subscribeRequest(visitor.token, {
          channel_id: channelId,
          subscription: browser.json,
        }),
        404,
      );
    // without a visitor token
    await expectProblem(
      await api("/widget/v1/push-subscriptions", {
        body: { channel_id: channel.id, subscription: browser.json },
        origin: null,
      }),
      401,
    );
    expect(await subscriptionsOf(visitor.visitor_id)).toEqual([]);
    expect((await contactOf(ws.ownerCookie, visitor.visitor_id)).consent).not.toHaveProperty(
      "web_push",
    );
  });

  it("subscribing records consent and the identity; unsubscribing removes them", async () => {
    const ws = await newWorkspace();
    const { channel, webchat } = await pushSetup(ws.ownerCookie);
    const { visitor, browser } = await subscribedVisitor(webchat.id, channel.id);
    const contactId = visitor.visitor_id;
    const [row] = await subscriptionsOf(contactId);
    expect(row).toMatchObject({
      channelId: channel.id,
      endpoint: browser.json.endpoint,
      p256dh: browser.json.keys.p256dh,
      userAgent: "Mozilla/5.0 (test)",
      removedAt: null,
    });
    expect((await contactOf(ws.ownerCookie, contactId)).consent.web_push).toMatchObject({
      status: "opted_in",
      source: "widget",
    });
    expect(await identitiesOf(contactId)).toContainEqual(
      expect.objectContaining({ kind: `web_push:${channel.id}`, value: row?.id }),
    );
    const query = `channel_id=${channel.id}&endpoint=${encodeURIComponent(browser.json.endpoint)}`;
    const removed = await api(`/widget/v1/push-subscriptions?${query}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${visitor.token}` },
      origin: null,
    });
    expect(removed.status).toBe(204);
    expect(await subscriptionsOf(contactId)).toEqual([]);
    expect((await identitiesOf(contactId)).filter((i) => i.kind.startsWith("web_push:"))).toEqual(
      [],
    );
    expect((await contactOf(ws.ownerCookie, contactId)).consent.web_push?.status).toBe("opted_out");
  });

  it("sends an encrypted notification with a VAPID signature to each of the contact's browsers", async () => {
    const ws = await newWorkspace();
    const { channel, webchat } = await pushSetup(ws.ownerCookie);
    const first = await subscribedVisitor(webchat.id, channel.id);
    const contactId = first.visitor.visitor_id;
    // the same visitor allows notifications in a second browser too
    const second = await browserSubscription();
    const added = await subscribeRequest(first.visitor.token, {
      channel_id: channel.id,
      subscription: second.json,
    });
    expect(added.status).toBe(201);
    const message = await sendText(ws.ownerCookie, channel.id, contactId, "Your invoice is ready");
    for (const browser of [first.browser, second]) {
      const [request] = await eventually(async () => {
        const got = await pushesTo(browser.id);
        return got.length ? got : undefined;
      }, "the push service got the message");
      expect(request?.headers).toMatchObject({
        "content-encoding": "aes128gcm",
        "content-type": "application/octet-stream",
        ttl: expect.stringMatching(/^\d+$/),
      });
      const { header, claims } = await verifyVapid(
        request?.headers.authorization,
        channel.config.vapid_public_key,
      );
      expect(header).toMatchObject({ alg: "ES256", typ: "JWT" });
      expect(claims).toMatchObject({ aud: `https://${PUSH_HOST}`, sub: SUBJECT });
      expect(claims.exp * 1000).toBeGreaterThan(Date.now());
      const body = Uint8Array.from(atob(request?.body_base64 ?? ""), (c) => c.charCodeAt(0));
      expect(await decryptPush(body, browser)).toEqual({
        title: "Acme",
        body: "Your invoice is ready",
        url: "https://acme.test/account",
        icon: "https://acme.test/icon.png",
      });
    }
    await eventually(
      async () => (await messageStatus(ws.ownerCookie, message.id)).status === "sent",
      "the message is sent",
    );
    const rows = await subscriptionsOf(contactId);
    expect(rows.every((r) => r.lastSuccessAt !== null)).toBe(true);
  });

  it("a subscription the push service calls gone (410) is removed with the reason; a 503 is retried without sending twice", async () => {
    const ws = await newWorkspace();
    const { channel, webchat } = await pushSetup(ws.ownerCookie);
    const gone = await subscribedVisitor(webchat.id, channel.id);
    const contactId = gone.visitor.visitor_id;
    const kept = await browserSubscription();
    await subscribeRequest(gone.visitor.token, { channel_id: channel.id, subscription: kept.json });
    await scriptFake({
      path: `/push/${gone.browser.id}`,
      status: 410,
      text: "push subscription has unsubscribed or expired",
    });
    await scriptFake({ path: `/push/${kept.id}`, status: 503, text: "try later" });
    const message = await sendText(ws.ownerCookie, channel.id, contactId, "Outage fixed");
    await eventually(
      async () => (await messageStatus(ws.ownerCookie, message.id)).status === "sent",
      "the message is sent once the push service recovers",
      30_000,
    );
    const rows = await subscriptionsOf(contactId);
    const removed = rows.find((r) => r.endpoint === gone.browser.json.endpoint);
    expect(removed?.removedAt).not.toBeNull();
    expect(removed?.removedReason).toContain("410");
    expect(await identitiesOf(contactId)).not.toContainEqual(
      expect.objectContaining({ value: removed?.id }),
    );
    // the gone browser was tried once; the other got one 503 and then exactly one delivery
    expect((await pushesTo(gone.browser.id)).map((r) => r.response.status)).toEqual([410]);
    expect((await pushesTo(kept.id)).map((r) => r.response.status)).toEqual([503, 201]);
    // with no subscription left, the next message fails with the push service's answer
    await scriptFake({ path: `/push/${kept.id}`, status: 404, text: "not found" });
    const last = await sendText(ws.ownerCookie, channel.id, contactId, "Anyone there?");
    const failed = await eventually(async () => {
      const status = await messageStatus(ws.ownerCookie, last.id);
      return status.status === "failed" ? status : undefined;
    }, "the message failed");
    expect(JSON.stringify(failed)).toContain("404");
    expect((await subscriptionsOf(contactId)).every((r) => r.removedAt !== null)).toBe(true);
  }, 45_000);
});
