import { describe, expect, it } from "vitest";
import { api, json, newWebchat, newWorkspace, visitorSession } from "../helpers";

/** Two people behind one office or carrier address. */
const SHARED_IP = "198.51.100.42";

describe("Idempotency-Key", () => {
  it("never replays a new widget session's token, even to the same address, key and body", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const start = () =>
      api("/widget/v1/sessions", {
        body: { channel_id: channel.id },
        headers: { "idempotency-key": "session-1", "cf-connecting-ip": SHARED_IP },
        origin: null,
      });
    const first = await start();
    const second = await start();
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.headers.get("idempotent-replayed")).toBeNull();
    const a = await json<{ token: string; visitor_id: string }>(first);
    const b = await json<{ token: string; visitor_id: string }>(second);
    expect(b.token).not.toBe(a.token);
    expect(b.visitor_id).not.toBe(a.visitor_id);
  });

  it("keeps each visitor's answers to that visitor, and replays a visitor's own retry", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const alice = await visitorSession(channel.id);
    const bob = await visitorSession(channel.id);
    const send = (token: string) =>
      api("/widget/v1/messages", {
        body: { text: "hi" },
        headers: {
          authorization: `Bearer ${token}`,
          "idempotency-key": "msg-1",
          "cf-connecting-ip": SHARED_IP,
        },
        origin: null,
      });
    type Sent = { conversation_id: string; message: { id: string; sender: { id: string } } };
    const fromAlice = await send(alice.token);
    const fromBob = await send(bob.token);
    expect([fromAlice.status, fromBob.status]).toEqual([201, 201]);
    expect(fromBob.headers.get("idempotent-replayed")).toBeNull();
    const aliceSent = await json<Sent>(fromAlice);
    const bobSent = await json<Sent>(fromBob);
    expect(bobSent.message.sender.id).toBe(bob.visitor_id);
    expect(bobSent.conversation_id).not.toBe(aliceSent.conversation_id);
    // Alice's retry gets her first answer again
    const retry = await send(alice.token);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await json<Sent>(retry)).toEqual(aliceSent);
  });
});
