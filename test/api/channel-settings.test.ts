import { describe, expect, it } from "vitest";
import { fakeUrl, newChannel, uniqueDigits } from "../channel-helpers";
import { api, expectProblem, json, newWebchat, newWorkspace } from "../helpers";

type Channel = { id: string; config: Record<string, unknown>; secrets_set: string[] };

const patch = (cookie: string, id: string, body: unknown) =>
  api(`/api/v1/channels/${id}`, { cookie, method: "PATCH", body });

describe("changing a channel's settings", () => {
  it("clears an optional setting given null, and refuses to clear a required one", async () => {
    const ws = await newWorkspace();
    const webchat = await newWebchat(ws.ownerCookie, { language: "fr", greeting: "Bonjour" });
    const cleared = await patch(ws.ownerCookie, webchat.id, { config: { language: null } });
    expect(cleared.status).toBe(200);
    expect((await json<Channel>(cleared)).config).toEqual({ greeting: "Bonjour" });

    const telegram = await newChannel(ws.ownerCookie, "telegram", {
      bot_token: `${uniqueDigits(10)}:AAE${uniqueDigits(20)}`,
      secret_token: "clear_secret",
    });
    const refused = await expectProblem(
      await patch(ws.ownerCookie, telegram.id, { config: { secret_token: null } }),
      422,
    );
    expect(refused.errors?.map((e) => e.path)).toEqual(["config.secret_token"]);
    const kept = await json<Channel>(
      await api(`/api/v1/channels/${telegram.id}`, { cookie: ws.ownerCookie }),
    );
    expect(kept.secrets_set.sort()).toEqual(["bot_token", "secret_token"]);
  });

  it("asks for the secrets again when the API address is cleared", async () => {
    const ws = await newWorkspace();
    const telegram = await newChannel(ws.ownerCookie, "telegram", {
      bot_token: `${uniqueDigits(10)}:AAF${uniqueDigits(20)}`,
      secret_token: "clear_url_secret",
      api_base_url: fakeUrl(),
    });
    const refused = await expectProblem(
      await patch(ws.ownerCookie, telegram.id, { config: { api_base_url: null } }),
      422,
    );
    expect(refused.errors?.map((e) => e.path).sort()).toEqual([
      "config.bot_token",
      "config.secret_token",
    ]);
    const moved = await patch(ws.ownerCookie, telegram.id, {
      config: {
        api_base_url: null,
        bot_token: `${uniqueDigits(10)}:AAG${uniqueDigits(20)}`,
        secret_token: "clear_url_secret",
      },
    });
    expect(moved.status).toBe(200);
    expect((await json<Channel>(moved)).config.api_base_url).toBeUndefined();
  });
});
