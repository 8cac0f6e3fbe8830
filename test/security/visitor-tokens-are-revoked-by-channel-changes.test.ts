import { env, exports } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { channels } from "../../worker/db/schema";
import { inWorkspace } from "../../worker/db/scope";
import { REVALIDATE_MS } from "../../worker/domain/webchat/honoured-tokens";
import { visitorFromToken } from "../../worker/domain/webchat/visitors";
import { hmacHex } from "../channel-helpers";
import {
  api,
  db,
  expectProblem,
  json,
  newVisitorConversation,
  newWebchat,
  newWorkspace,
  ORIGIN,
  visitorSays,
  visitorSession,
} from "../helpers";

async function setup(config: Record<string, unknown> = {}) {
  const { ws, channel, visitor, conversationId } = await newVisitorConversation("hello", config);
  const stored = async () =>
    (
      await json<{ data: { text: string }[] }>(
        await api(`/api/v1/conversations/${conversationId}/messages`, { cookie: ws.ownerCookie }),
      )
    ).data.map((m) => m.text);
  return { ws, channel, visitor, conversationId, stored };
}

/** Every widget call a token opens, each answered 401 problem+json when the token is refused. */
async function expectRefusedEverywhere(token: string, channelId: string, conversationId: string) {
  const auth = { headers: { authorization: `Bearer ${token}` }, origin: null };
  await expectProblem(await api("/widget/v1/messages", { ...auth, body: { text: "after" } }), 401);
  await expectProblem(
    await api("/widget/v1/messages", {
      ...auth,
      body: { text: "after", conversation_id: conversationId },
    }),
    401,
  );
  const form = new FormData();
  form.append("file", new File(["x"], "x.txt", { type: "text/plain" }));
  await expectProblem(
    await api("/widget/v1/attachments", { ...auth, rawBody: form, method: "POST" }),
    401,
  );
  await expectProblem(await api(`/widget/v1/conversations/${conversationId}/messages`, auth), 401);
  const socket = await exports.default.fetch(
    `${ORIGIN}/widget/v1/conversations/${conversationId}/ws?token=${encodeURIComponent(token)}`,
    { headers: { upgrade: "websocket" } },
  );
  expect(socket.webSocket).toBeNull();
  await expectProblem(socket, 401);
  await expectProblem(
    await api("/widget/v1/sessions", { body: { channel_id: channelId, token }, origin: null }),
    401,
  );
}

describe("visitor tokens", () => {
  it("are refused everywhere once their channel is disconnected", async () => {
    const { ws, channel, visitor, conversationId, stored } = await setup();
    expect(
      (await api(`/api/v1/channels/${channel.id}`, { method: "DELETE", cookie: ws.ownerCookie }))
        .status,
    ).toBe(204);
    await expectRefusedEverywhere(visitor.token, channel.id, conversationId);
    expect(await stored()).toEqual(["hello"]);
  });

  it("from before require_identity was switched on are refused; a verified visitor gets in", async () => {
    const { ws, channel, visitor, conversationId, stored } = await setup();
    const patch = (config: Record<string, unknown>) =>
      api(`/api/v1/channels/${channel.id}`, {
        method: "PATCH",
        cookie: ws.ownerCookie,
        body: { config },
      });
    // other settings leave tokens alone
    expect((await patch({ greeting: "Welcome" })).status).toBe(200);
    await visitorSays(visitor.token, "still here");
    expect((await patch({ require_identity: true })).status).toBe(200);
    await expectRefusedEverywhere(visitor.token, channel.id, conversationId);
    expect(await stored()).toEqual(["hello", "still here"]);

    const identifier = "customer-7";
    const hash = await hmacHex(channel.identity_secret, identifier);
    const verified = await visitorSession(channel.id, { identifier, identifier_hash: hash });
    expect((await visitorSays(verified.token, "verified hello")).message.text).toBe(
      "verified hello",
    );
    // switching it off and on again ends the verified visitor's token as well
    expect((await patch({ require_identity: false })).status).toBe(200);
    await visitorSays(verified.token, "still verified");
    expect((await patch({ require_identity: true })).status).toBe(200);
    await expectProblem(
      await api("/widget/v1/messages", {
        headers: { authorization: `Bearer ${verified.token}` },
        origin: null,
        body: { text: "after" },
      }),
      401,
    );
  });

  it("are refused once their contact is deleted", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    expect(
      (
        await api(`/api/v1/contacts/${visitor.visitor_id}`, {
          method: "DELETE",
          cookie: ws.ownerCookie,
        })
      ).status,
    ).toBe(204);
    await expectProblem(
      await api("/widget/v1/messages", {
        headers: { authorization: `Bearer ${visitor.token}` },
        origin: null,
        body: { text: "anyone?" },
      }),
      401,
    );
    await expectProblem(
      await api("/widget/v1/sessions", {
        body: { channel_id: channel.id, token: visitor.token },
        origin: null,
      }),
      401,
    );
  });

  it("are refused within five seconds of a revocation made by another instance", async () => {
    const { ws, channel, visitor } = await setup();
    const now = Date.now();
    const deferred: Promise<unknown>[] = [];
    const defer = (work: Promise<unknown>) => deferred.push(work);
    const check = (at: number) => visitorFromToken(db(), env, visitor.token, at, defer);
    expect(await check(now)).not.toBeNull();
    // another instance disconnects the channel: nothing here is told
    await db()
      .update(channels)
      .set({ deletedAt: now, securityVersion: sql`${channels.securityVersion} + 1` })
      .where(inWorkspace(channels, ws.id, eq(channels.id, channel.id)));
    expect(await check(now + 1000)).not.toBeNull();
    expect(deferred).toHaveLength(0);
    expect(await check(now + REVALIDATE_MS + 1000)).not.toBeNull();
    expect(deferred).toHaveLength(1);
    await Promise.all(deferred);
    expect(await check(now + REVALIDATE_MS + 1500)).toBeNull();
    expect(await visitorFromToken(db(), env, visitor.token, now + 1000)).toBeNull();
  });
});
