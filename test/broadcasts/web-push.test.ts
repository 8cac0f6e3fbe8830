import { describe, expect, it } from "vitest";
import { contactTags } from "../../worker/db/schema";
import { eventually, fakeRequests } from "../channel-helpers";
import { db, newWorkspace, visitorSession } from "../helpers";
import { decryptPush, PUSH_HOST, pushSetup, subscribedVisitor } from "../web-push-helpers";
import { act, finished, newBroadcast } from "./helpers";

describe("broadcast on a web push channel", () => {
  it("notifies every subscribed contact once; contacts without a subscription are excluded", async () => {
    const ws = await newWorkspace();
    const { channel, webchat } = await pushSetup(ws.ownerCookie);
    const readers = [
      await subscribedVisitor(webchat.id, channel.id),
      await subscribedVisitor(webchat.id, channel.id),
    ];
    const unsubscribed = await visitorSession(webchat.id);
    for (const contactId of [...readers.map((r) => r.visitor.visitor_id), unsubscribed.visitor_id])
      await db().insert(contactTags).values({ workspaceId: ws.id, contactId, tag: "news" });
    const s = { ws, channel, cookie: ws.ownerCookie };
    const broadcast = await newBroadcast(s, {
      message: { text: "The sale starts today" },
    });
    await act(s, broadcast.id, "start");
    const stats = await finished(s, broadcast.id);
    expect(stats).toMatchObject({
      targeted: 3,
      excluded: 1,
      excluded_by_reason: { no_address: 1 },
      sent: 2,
      failed: 0,
    });
    for (const reader of readers) {
      const requests = await eventually(async () => {
        const got = await fakeRequests(`/${PUSH_HOST}/push/${reader.browser.id}`);
        return got.length ? got : undefined;
      }, "the reader's browser was notified");
      expect(requests).toHaveLength(1);
      const body = Uint8Array.from(atob(requests[0]?.body_base64 ?? ""), (c) => c.charCodeAt(0));
      expect(await decryptPush(body, reader.browser)).toMatchObject({
        title: "Acme",
        body: "The sale starts today",
      });
    }
  });
});
