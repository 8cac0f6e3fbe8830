import { describe, expect, it } from "vitest";
import { verifyConversaSignature } from "../../examples/verify-webhook.mjs";
import { eventually, fakeRequests, fakeUrl, newChannel, uniqueDigits } from "../channel-helpers";
import { api, expectProblem, json, newWorkspace } from "../helpers";

type Channel = { config: Record<string, unknown>; secrets_set: string[] };

const patch = (cookie: string, id: string, config: Record<string, unknown>) =>
  api(`/api/v1/channels/${id}`, { method: "PATCH", cookie, body: { config } });

const testSend = (cookie: string, id: string) =>
  api(`/api/v1/channels/${id}/test`, { cookie, body: { to: "4242" } });

describe("moving a channel to another address", () => {
  it("is refused while the stored secrets would follow it, naming them", async () => {
    const ws = await newWorkspace();
    const oldToken = `${uniqueDigits(10)}:AAO${uniqueDigits(20)}`;
    const channel = await newChannel(ws.ownerCookie, "telegram", {
      bot_token: oldToken,
      secret_token: "first_secret",
      api_base_url: fakeUrl(),
    });
    const elsewhere = `${fakeUrl()}/elsewhere-${uniqueDigits()}`;
    const refused = await expectProblem(
      await patch(ws.ownerCookie, channel.id, { api_base_url: elsewhere }),
      422,
    );
    expect(refused.errors?.map((e) => e.path)).toEqual(["config.bot_token", "config.secret_token"]);
    expect(refused.errors?.[0]?.message).toBe(
      "enter it again: api_base_url changes, and a stored secret is never sent to a new address",
    );
    // only one of them is not enough either
    await expectProblem(
      await patch(ws.ownerCookie, channel.id, { api_base_url: elsewhere, bot_token: "9:new" }),
      422,
    );

    const kept = await json<Channel>(
      await api(`/api/v1/channels/${channel.id}`, { cookie: ws.ownerCookie }),
    );
    expect(kept.config.api_base_url).toBe(fakeUrl());
    expect((await testSend(ws.ownerCookie, channel.id)).status).toBe(200);
    expect(await fakeRequests(new URL(elsewhere).pathname)).toEqual([]);
    expect(await fakeRequests(`/bot${oldToken}/sendMessage`)).toHaveLength(1);
  });

  it("is accepted with the secrets entered again, and only the new ones go there", async () => {
    const ws = await newWorkspace();
    const oldToken = `${uniqueDigits(10)}:AAO${uniqueDigits(20)}`;
    const newToken = `${uniqueDigits(10)}:AAN${uniqueDigits(20)}`;
    const channel = await newChannel(ws.ownerCookie, "telegram", {
      bot_token: oldToken,
      secret_token: "first_secret",
      api_base_url: fakeUrl(),
    });
    const elsewhere = `${fakeUrl()}/elsewhere-${uniqueDigits()}`;
    const moved = await patch(ws.ownerCookie, channel.id, {
      api_base_url: elsewhere,
      bot_token: newToken,
      secret_token: "second_secret",
    });
    expect(moved.status).toBe(200);
    expect((await json<Channel>(moved)).config.api_base_url).toBe(elsewhere);
    await testSend(ws.ownerCookie, channel.id);
    const sent = await fakeRequests(new URL(elsewhere).pathname);
    expect(sent.map((r) => r.path)).toEqual([
      `${new URL(elsewhere).pathname}/bot${newToken}/sendMessage`,
    ]);
    expect(await fakeRequests(oldToken)).toEqual([]);
  });

  it("keeps the secrets when nothing about the address changes", async () => {
    const ws = await newWorkspace();
    const outbound = `${fakeUrl()}/custom/${uniqueDigits()}`;
    const channel = await newChannel(ws.ownerCookie, "custom", {
      inbound_secret: "bridge-secret",
      outbound_url: outbound,
    });
    const same = await patch(ws.ownerCookie, channel.id, { outbound_url: outbound });
    expect((await json<Channel>(same)).secrets_set).toEqual(["inbound_secret"]);
    const refused = await expectProblem(
      await patch(ws.ownerCookie, channel.id, { outbound_url: `${outbound}-moved` }),
      422,
    );
    expect(refused.errors?.map((e) => e.path)).toEqual(["config.inbound_secret"]);
  });
});

describe("moving a webhook subscription to another URL", () => {
  it("issues a new signing secret, and the old one no longer signs its deliveries", async () => {
    const ws = await newWorkspace();
    const created = await json<{ id: string; secret: string }>(
      await api("/api/v1/webhook-subscriptions", {
        cookie: ws.ownerCookie,
        body: { url: `${fakeUrl()}/hooks/${uniqueDigits()}`, events: ["contact.created"] },
      }),
    );
    const unchanged = await json<Record<string, unknown>>(
      await api(`/api/v1/webhook-subscriptions/${created.id}`, {
        method: "PATCH",
        cookie: ws.ownerCookie,
        body: { events: ["contact.created", "contact.updated"] },
      }),
    );
    expect(unchanged).not.toHaveProperty("secret");

    const path = `/hooks/${uniqueDigits()}`;
    const moved = await json<{ url: string; secret: string }>(
      await api(`/api/v1/webhook-subscriptions/${created.id}`, {
        method: "PATCH",
        cookie: ws.ownerCookie,
        body: { url: `${fakeUrl()}${path}` },
      }),
    );
    expect(moved.secret).toMatch(/^whsec_/);
    expect(moved.secret).not.toBe(created.secret);

    await api("/api/v1/contacts", { cookie: ws.ownerCookie, body: { name: "Rita" } });
    const [delivery] = await eventually(async () => {
      const received = await fakeRequests(path);
      return received.length ? received : undefined;
    }, "the delivery at the new URL");
    const signature = delivery?.headers["conversa-signature"] ?? "";
    const body = delivery?.body ?? "";
    expect(await verifyConversaSignature(moved.secret, signature, body)).toBe(true);
    expect(await verifyConversaSignature(created.secret, signature, body)).toBe(false);
  });
});
