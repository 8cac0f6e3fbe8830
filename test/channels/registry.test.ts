import { describe, expect, it } from "vitest";
import { newChannel, publicHost } from "../channel-helpers";
import { api, expectProblem, json, newWorkspace, ORIGIN } from "../helpers";

describe("channel registry", () => {
  it("keeps platform URLs out of private networks", async () => {
    const ws = await newWorkspace();
    const connect = (config: Record<string, unknown>) =>
      api("/api/v1/channels", {
        cookie: ws.ownerCookie,
        body: { type: "custom", name: "Bridge", config },
      });
    const refused = await expectProblem(
      await connect({ inbound_secret: "s3cret", outbound_url: "http://169.254.169.254/latest" }),
      422,
    );
    expect(refused.errors).toEqual([
      {
        path: "config.outbound_url",
        message: "must be a public address (169.254.169.254 is link-local)",
      },
    ]);
    const host = await publicHost();
    expect(
      (await connect({ inbound_secret: "s3cret", outbound_url: `https://${host}/in` })).status,
    ).toBe(201);
  });

  it("gives each platform its webhook URL and never returns secrets", async () => {
    const ws = await newWorkspace();
    const channel = await newChannel(ws.ownerCookie, "telegram", {
      bot_token: "123:ABC",
      secret_token: "abc_123",
    });
    expect(channel.webhook_url).toBe(
      `${ORIGIN}/webhooks/telegram/${(channel as { id: string }).id}`,
    );
    const read = await json<Record<string, unknown>>(
      await api(`/api/v1/channels/${channel.id}`, { cookie: ws.ownerCookie }),
    );
    expect(JSON.stringify(read)).not.toContain("123:ABC");
    expect(read.secrets_set).toEqual(["bot_token", "secret_token"]);
  });

  it("names an unknown platform, and answers a channel of another type with 404", async () => {
    const ws = await newWorkspace();
    const channel = await newChannel(ws.ownerCookie, "telegram", {
      bot_token: "123:ABC",
      secret_token: "abc_123",
    });
    const unknown = await expectProblem(
      await api(`/webhooks/line/${channel.id}`, { rawBody: "{}", origin: null }),
      422,
    );
    expect(unknown.errors?.[0]?.path).toBe("param.platform");
    await expectProblem(
      await api(`/webhooks/whatsapp/${channel.id}`, {
        rawBody: "{}",
        headers: { "content-type": "application/json" },
        origin: null,
      }),
      404,
    );
  });
});
