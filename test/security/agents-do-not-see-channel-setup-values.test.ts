import { describe, expect, it } from "vitest";
import { fakeUrl, newChannel, uniqueDigits } from "../channel-helpers";
import { api, createKey, json, newWebchat, newWorkspace } from "../helpers";

type Channel = Record<string, unknown> & { id: string };

describe("channel setup values", () => {
  it("are shown to admins and owners, never to agents or supervisors", async () => {
    const ws = await newWorkspace();
    const verifyToken = `meta-verify-${uniqueDigits()}`;
    const whatsapp = await newChannel(ws.ownerCookie, "whatsapp", {
      phone_number_id: uniqueDigits(15),
      access_token: "EAAG-test-token",
      app_secret: "app-secret",
      verify_token: verifyToken,
      api_base_url: fakeUrl(),
    });
    const webchat = await newWebchat(ws.ownerCookie, { greeting: "Hi!" });

    const admin = await (await ws.addMember("admin")).login();
    for (const cookie of [ws.ownerCookie, admin]) {
      const { data } = await json<{ data: Channel[] }>(await api("/api/v1/channels", { cookie }));
      const seen = data.find((c) => c.id === whatsapp.id);
      expect(seen).toMatchObject({
        config: { verify_token: verifyToken, api_base_url: fakeUrl() },
        secrets_set: ["access_token", "app_secret"],
        webhook_url: expect.stringContaining(whatsapp.id),
      });
    }

    const agent = await (await ws.addMember("agent")).login();
    const supervisor = await (await ws.addMember("supervisor")).login();
    const agentKey = await createKey(ws.ownerCookie, "agent");
    for (const auth of [{ cookie: agent }, { cookie: supervisor }, { key: agentKey }]) {
      const list = await api("/api/v1/channels", auth);
      const one = await api(`/api/v1/channels/${whatsapp.id}`, auth);
      const listed = await json<{ data: Channel[] }>(list);
      const single = await json<Channel>(one);
      expect(JSON.stringify([listed, single])).not.toContain(verifyToken);
      expect(listed.data.map((c) => Object.keys(c).sort())).toEqual([
        ["created_at", "id", "name", "type"],
        ["created_at", "id", "name", "type"],
      ]);
      expect(single).toEqual({
        id: whatsapp.id,
        type: "whatsapp",
        name: "whatsapp channel",
        created_at: expect.any(String),
      });
      expect(listed.data.map((c) => c.id).sort()).toEqual([whatsapp.id, webchat.id].sort());
    }
  });
});
