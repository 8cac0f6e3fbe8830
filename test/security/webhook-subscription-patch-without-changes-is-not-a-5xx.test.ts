import { describe, expect, it } from "vitest";
import { fakeUrl } from "../channel-helpers";
import { api, json, newWorkspace } from "../helpers";

describe("a webhook subscription patched with nothing to change", () => {
  it("answers the subscription as it is, never a 5xx", async () => {
    const ws = await newWorkspace();
    const created = await json<{ id: string; url: string; events: string[] }>(
      await api("/api/v1/webhook-subscriptions", {
        cookie: ws.ownerCookie,
        body: { url: `${fakeUrl()}/hooks/unchanged`, events: ["contact.created"] },
      }),
    );
    const response = await api(`/api/v1/webhook-subscriptions/${created.id}`, {
      method: "PATCH",
      cookie: ws.ownerCookie,
      body: {},
    });
    expect(response.status).toBe(200);
    expect(await json(response)).toMatchObject({
      id: created.id,
      url: created.url,
      events: created.events,
    });
  });
});
