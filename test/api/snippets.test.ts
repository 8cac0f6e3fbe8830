import { describe, expect, it } from "vitest";
import {
  api,
  expectProblem,
  json,
  newWebchat,
  newWorkspace,
  visitorSays,
  visitorSession,
} from "../helpers";

type Snippet = { id: string; shortcut: string; body: string };

describe("snippets", () => {
  it("are saved with known variables only, found by prefix, and rendered for a conversation", async () => {
    const ws = await newWorkspace();
    const cookie = ws.ownerCookie;
    await api("/api/v1/contact-fields", {
      cookie,
      body: { key: "balance", label: "Balance", type: "number" },
    });
    const refused = await expectProblem(
      await api("/api/v1/snippets", {
        cookie,
        body: {
          shortcut: "debt",
          title: "Debt",
          body: "You owe {{contact.fields.debt}} {{order.id}}",
        },
      }),
      422,
    );
    expect(refused.errors).toEqual([
      { path: "body", message: "Unknown variable(s): {{contact.fields.debt}}, {{order.id}}" },
    ]);
    const created = await api("/api/v1/snippets", {
      cookie,
      body: {
        shortcut: "balance",
        title: "Balance reminder",
        body: "Hi {{contact.first_name|there}}, your balance is {{contact.fields.balance|0}}. — {{agent.name}}, %company%",
      },
    });
    expect(created.status).toBe(201);
    const snippet = await json<Snippet>(created);
    await expectProblem(
      await api("/api/v1/snippets", {
        cookie,
        body: { shortcut: "balance", title: "Again", body: "x" },
      }),
      409,
    );
    const found = await json<{ data: Snippet[] }>(await api("/api/v1/snippets?q=bal", { cookie }));
    expect(found.data.map((s) => s.shortcut)).toEqual(["balance"]);
    expect(
      (await json<{ data: Snippet[] }>(await api("/api/v1/snippets?q=zzz", { cookie }))).data,
    ).toEqual([]);

    const channel = await newWebchat(cookie);
    const visitor = await visitorSession(channel.id, { name: "Lucía Gómez" });
    const { conversation_id } = await visitorSays(visitor.token, "hola");
    const rendered = await json<{ text: string; missing: string[] }>(
      await api(`/api/v1/conversations/${conversation_id}/render`, {
        cookie,
        body: { text: snippet.body },
      }),
    );
    expect(rendered.text).toBe(`Hi Lucía, your balance is 0. — owner ${ws.owner.id}, Test`);
    expect(rendered.missing).toEqual([]);
    const contact = await json<{ id: string }>(
      await api("/api/v1/contacts", { cookie, body: { name: "Ana Ruiz" } }),
    );
    const forContact = await json<{ text: string; missing: string[] }>(
      await api(`/api/v1/contacts/${contact.id}/render`, {
        cookie,
        body: { text: "Hola {{contact.first_name}}, {{contact.fields.balance|nada}}" },
      }),
    );
    expect(forContact).toEqual({ text: "Hola Ana, nada", missing: [] });
    await expectProblem(
      await api("/api/v1/contacts/ct_missing/render", { cookie, body: { text: "Hi" } }),
      404,
    );

    const patched = await api(`/api/v1/snippets/${snippet.id}`, {
      method: "PATCH",
      cookie,
      body: { body: "{{agent.nickname}}" },
    });
    await expectProblem(patched, 422);
    expect((await api(`/api/v1/snippets/${snippet.id}`, { method: "DELETE", cookie })).status).toBe(
      204,
    );
  });

  it("can be read by agents but only changed by supervisors and above", async () => {
    const ws = await newWorkspace();
    const agent = await ws.addMember("agent");
    const agentCookie = await agent.login();
    expect((await api("/api/v1/snippets", { cookie: agentCookie })).status).toBe(200);
    await expectProblem(
      await api("/api/v1/snippets", {
        cookie: agentCookie,
        body: { shortcut: "hi", title: "Hi", body: "Hi" },
      }),
      403,
    );
  });
});
