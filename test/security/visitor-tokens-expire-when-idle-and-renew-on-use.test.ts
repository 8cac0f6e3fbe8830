import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { expectProblem, json, newWebchat, newWorkspace, ORIGIN, visitorSession } from "../helpers";

const DAY = 24 * 60 * 60 * 1000;

/** The worker as it answers `days` from now. */
function later(days: number) {
  const at = Date.now() + days * DAY;
  const app = createApp({ clock: { now: () => at } });
  const call = (path: string, body: unknown, token?: string) =>
    app.request(
      `${ORIGIN}${path}`,
      {
        method: "POST",
        headers: {
          "content-type": "application/json",
          // the widget calls from the customer's site
          origin: "https://shop.example",
          "cf-connecting-ip": `198.51.100.${Math.floor(Math.random() * 250) + 1}`,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      },
      env,
      createExecutionContext(),
    );
  return {
    says: (token: string, text: string) => call("/widget/v1/messages", { text }, token),
    resumes: (channelId: string, token: string) =>
      call("/widget/v1/sessions", { channel_id: channelId, token }),
  };
}

describe("visitor tokens", () => {
  it("expire after 30 idle days, 401 on every call and on resume", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    expect((await later(29).says(visitor.token, "a month on")).status).toBe(201);
    const refused = await later(31).says(visitor.token, "too late");
    // readable by the widget on the customer's site, which then starts a new session
    expect(refused.headers.get("access-control-allow-origin")).toBe("*");
    await expectProblem(refused, 401);
    await expectProblem(await later(31).resumes(channel.id, visitor.token), 401);
  });

  it("are renewed on use: past half their life an answer carries a fresh one", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const early = await later(10).says(visitor.token, "ten days on");
    expect(early.status).toBe(201);
    expect(early.headers.get("visitor-token")).toBeNull();
    const halfway = await later(20).says(visitor.token, "twenty days on");
    expect(halfway.status).toBe(201);
    expect(halfway.headers.get("access-control-expose-headers")).toContain("visitor-token");
    const renewed = halfway.headers.get("visitor-token");
    if (!renewed) throw new Error("no renewed token");
    // the renewed token lives 30 days from its use; the old one still ends at 30 days
    expect((await later(45).says(renewed, "still talking")).status).toBe(201);
    await expectProblem(await later(45).says(visitor.token, "old token"), 401);
  });

  it("are renewed by resuming the session, for the same visitor and conversation", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const opened = await later(1).says(visitor.token, "hello");
    const { conversation_id } = await json<{ conversation_id: string }>(opened);
    const resumed = await later(25).resumes(channel.id, visitor.token);
    expect(resumed.status).toBe(200);
    const session = await json<{ token: string; visitor_id: string; conversation_id: string }>(
      resumed,
    );
    expect(session).toMatchObject({ visitor_id: visitor.visitor_id, conversation_id });
    expect((await later(50).says(session.token, "fifty days on")).status).toBe(201);
    await expectProblem(await later(50).says(visitor.token, "old token"), 401);
  });
});
