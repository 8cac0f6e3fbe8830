import { describe, expect, it } from "vitest";
import {
  deliveryOf,
  eventually,
  fakeRequests,
  fakeUrl,
  newChannel,
  scriptFake,
  subscribeAtFake,
  uniqueDigits,
} from "../channel-helpers";
import { api, createKey, expectProblem, newWorkspace } from "../helpers";

/** The fake platforms server under another name: loopback, reachable, and refused. */
const loopbackAlias = (path: string) => `http://localhost:${new URL(fakeUrl()).port}${path}`;

async function telegramSender() {
  const ws = await newWorkspace();
  const key = await createKey(ws.ownerCookie);
  const channel = await newChannel(ws.ownerCookie, "telegram", {
    bot_token: `${uniqueDigits(10)}:AAR${uniqueDigits(20)}`,
    secret_token: "redirect_test",
    api_base_url: fakeUrl(),
  });
  const sendFile = (url: string) =>
    api("/api/v1/messages", {
      key,
      body: { channel_id: channel.id, to: { platform_id: uniqueDigits(9) }, attachment: { url } },
    });
  return { sendFile };
}

describe("redirects from a user-chosen URL", () => {
  it("never lead a channel's platform call (and its credentials) to a private address", async () => {
    const ws = await newWorkspace();
    const path = `/custom/${uniqueDigits()}`;
    const channel = await newChannel(ws.ownerCookie, "custom", {
      inbound_secret: "bridge-secret",
      outbound_url: `${fakeUrl()}${path}`,
    });
    await scriptFake({
      path,
      status: 307,
      body: {},
      headers: { location: loopbackAlias(`${path}-moved`) },
    });
    const problem = await expectProblem(
      await api(`/api/v1/channels/${channel.id}/test`, {
        cookie: ws.ownerCookie,
        body: { to: "someone" },
      }),
      502,
    );
    expect(problem.detail).toBe("the outbound URL answered HTTP 307");
    expect(await fakeRequests(`${path}-moved`)).toEqual([]);
  });

  it("are followed for a send-API attachment only while each hop is public", async () => {
    const { sendFile } = await telegramSender();
    const path = `/media/moved-${uniqueDigits()}`;
    await scriptFake({
      path,
      status: 302,
      body: {},
      headers: { location: loopbackAlias(`${path}-private`) },
    });
    const refused = await expectProblem(await sendFile(`${fakeUrl()}${path}`), 422);
    expect(refused.errors).toEqual([
      {
        path: "attachment.url",
        message:
          "redirected to an address that must be a public address (localhost is a single-label name)",
      },
    ]);
    expect(await fakeRequests(`${path}-private`)).toEqual([]);

    // a redirect that stays on an allowed origin is followed
    const sameOrigin = `/media/hop-${uniqueDigits()}`;
    await scriptFake({
      path: sameOrigin,
      status: 301,
      body: {},
      headers: { location: `${sameOrigin}-final` },
    });
    const accepted = await sendFile(`${fakeUrl()}${sameOrigin}`);
    expect(accepted.status).toBe(202);
    await eventually(async () => (await fakeRequests(`${sameOrigin}-final`))[0], "the final hop");
  });

  it("stop after three hops", async () => {
    const { sendFile } = await telegramSender();
    const path = `/media/loop-${uniqueDigits()}`;
    await scriptFake({ path, status: 302, body: {}, headers: { location: path }, times: 10 });
    const refused = await expectProblem(await sendFile(`${fakeUrl()}${path}`), 422);
    expect(refused.errors?.[0]?.message).toBe("redirected too many times");
    expect(await fakeRequests(path)).toHaveLength(4);
  });

  it("are not followed for a webhook delivery, whose log keeps the redirect's status", async () => {
    const ws = await newWorkspace();
    const { id, path } = await subscribeAtFake(ws.ownerCookie);
    await scriptFake({ path, status: 308, body: {}, headers: { location: loopbackAlias(path) } });
    await api("/api/v1/contacts", { cookie: ws.ownerCookie, body: { name: "Rita" } });
    const delivery = await deliveryOf(
      ws.ownerCookie,
      id,
      (d) => d.last_status !== null,
      "a delivery attempt",
    );
    expect(delivery.last_status).toBe(308);
    const hosts = (await fakeRequests(path)).map((r) => r.headers.host);
    expect(new Set(hosts)).toEqual(new Set([new URL(fakeUrl()).host]));
  });
});
