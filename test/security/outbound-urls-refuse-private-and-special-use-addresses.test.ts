import { describe, expect, it } from "vitest";
import { publicHost } from "../channel-helpers";
import { api, expectProblem, json, newWorkspace } from "../helpers";

/** Each could reach the machine itself, a cloud metadata service or a private network. */
const REFUSED = [
  // the bypasses found in review: IPv4 inside IPv6, NAT64, 6to4, trailing dots, bare names
  "http://[::ffff:127.0.0.1]/hook",
  "http://[::ffff:169.254.169.254]/latest/meta-data",
  "http://[64:ff9b::a9fe:a9fe]/latest/meta-data",
  "http://[2002:a9fe:a9fe::]/latest/meta-data",
  "http://[::127.0.0.1]/hook",
  "http://localhost./hook",
  "http://vm/hook",
  "http://instance-data/latest/meta-data",
  "http://198.18.0.1/hook",
  // the other transition forms: local-use NAT64, Teredo, the RFC 6145 translated form
  "http://[64:ff9b:1:a9fe:a9:fe00::]/latest/meta-data",
  "http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook",
  "http://[::ffff:0:7f00:1]/hook",
  // IPv4 special-purpose space
  "http://0.0.0.0/hook",
  "http://10.1.2.3/hook",
  "http://100.64.0.1/hook",
  "http://127.0.0.1:8080/hook",
  "http://169.254.169.254/latest/meta-data",
  "http://172.16.0.1/hook",
  "http://192.0.0.170/hook",
  "http://192.0.2.1/hook",
  "http://192.168.0.10/hook",
  "http://198.51.100.7/hook",
  "http://203.0.113.9/hook",
  "http://224.0.0.1/hook",
  "http://240.0.0.1/hook",
  "http://255.255.255.255/hook",
  // other spellings of loopback that URL parsing turns into 127.0.0.1
  "http://2130706433/hook",
  "http://0x7f.1/hook",
  "http://127.1/hook",
  // IPv6 special-purpose space
  "http://[::]/hook",
  "http://[::1]/hook",
  "http://[fe80::1]/hook",
  "http://[fd00:ec2::254]/latest/meta-data",
  "http://[fec0::1]/hook",
  "http://[ff02::1]/hook",
  "http://[100::1]/hook",
  "http://[2001:db8::1]/hook",
  "http://[3fff::1]/hook",
  "http://[4000::1]/hook",
  // special-use names
  "http://localhost/hook",
  "http://app.localhost/hook",
  "http://printer.local/hook",
  "http://metadata.google.internal/computeMetadata/v1/",
  "http://nas.home.arpa/hook",
  "http://1.0.0.127.in-addr.arpa/hook",
  "http://hidden.onion/hook",
  "http://api.test/hook",
  "http://www.example.com./hook",
];

const subscribe = (cookie: string, url: string) =>
  api("/api/v1/webhook-subscriptions", { cookie, body: { url, events: ["contact.created"] } });

const connect = (cookie: string, type: "custom" | "telegram", url: string) =>
  api("/api/v1/channels", {
    cookie,
    body:
      type === "custom"
        ? { type, name: "Bridge", config: { inbound_secret: "s3cret", outbound_url: url } }
        : {
            type,
            name: "Bot",
            config: { bot_token: "1:abc", secret_token: "tok_1", api_base_url: url },
          },
  });

describe("user-chosen outbound URLs", () => {
  it.each(REFUSED)("refuse %s for webhook subscriptions and channels", async (url) => {
    const ws = await newWorkspace();
    const hook = await expectProblem(await subscribe(ws.ownerCookie, url), 422);
    expect(hook.errors?.[0]).toMatchObject({
      path: "url",
      message: expect.stringMatching(/^must be a public address \(.+\)$/),
    });
    const bridge = await expectProblem(await connect(ws.ownerCookie, "custom", url), 422);
    expect(bridge.errors?.[0]?.path).toBe("config.outbound_url");
    const bot = await expectProblem(await connect(ws.ownerCookie, "telegram", url), 422);
    expect(bot.errors?.[0]?.path).toBe("config.api_base_url");

    const stored = await json<{ data: unknown[] }>(
      await api("/api/v1/webhook-subscriptions", { cookie: ws.ownerCookie }),
    );
    const channels = await json<{ data: unknown[] }>(
      await api("/api/v1/channels", { cookie: ws.ownerCookie }),
    );
    expect([stored.data, channels.data]).toEqual([[], []]);
  });

  it("say why: the address and its class", async () => {
    const ws = await newWorkspace();
    const problem = await expectProblem(
      await subscribe(ws.ownerCookie, "http://[::ffff:169.254.169.254]/latest/meta-data"),
      422,
    );
    expect(problem.errors?.[0]?.message).toBe(
      "must be a public address ([::ffff:a9fe:a9fe] is an IPv6 form of 169.254.169.254 (link-local))",
    );
  });

  it("refuse credentials in the URL and schemes other than http(s)", async () => {
    const ws = await newWorkspace();
    const host = await publicHost();
    const withPassword = await expectProblem(
      await subscribe(ws.ownerCookie, `https://user:pass@${host}/hook`),
      422,
    );
    expect(withPassword.errors?.[0]).toEqual({
      path: "url",
      message: "must not carry a user name or password",
    });
    for (const url of ["ftp://files.example.com/hook", "file:///etc/passwd"])
      expect(
        (await expectProblem(await subscribe(ws.ownerCookie, url), 422)).errors?.[0]?.path,
      ).toBe("url");
  });

  it("accept public addresses and names that resolve only to public addresses", async () => {
    const ws = await newWorkspace();
    const host = await publicHost();
    for (const url of [
      "https://93.184.215.14/hook",
      "https://[2606:4700:4700::1111]/hook",
      `https://${host}/hook`,
    ]) {
      expect((await subscribe(ws.ownerCookie, url)).status, url).toBe(201);
      expect((await connect(ws.ownerCookie, "custom", url)).status, url).toBe(201);
    }
  });
});
