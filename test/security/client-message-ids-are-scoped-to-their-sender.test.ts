import { describe, expect, it } from "vitest";
import type { MessageDto } from "../../worker/schemas/conversations";
import { api, createKey, json, newVisitorConversation } from "../helpers";

type Sent = { conversation_id: string; message: MessageDto };

async function setup() {
  const { ws, visitor, conversationId } = await newVisitorConversation("Hello");
  const visitorSends = async (text: string, clientMessageId: string) => {
    const response = await api("/widget/v1/messages", {
      body: { text, client_message_id: clientMessageId, conversation_id: conversationId },
      headers: { authorization: `Bearer ${visitor.token}` },
      origin: null,
    });
    expect(response.status).toBe(201);
    return (await json<Sent>(response)).message;
  };
  const staffSends = async (
    auth: { cookie?: string; key?: string },
    body: { text: string; client_message_id: string; private?: boolean },
  ) => {
    const response = await api(`/api/v1/conversations/${conversationId}/messages`, {
      ...auth,
      body,
    });
    expect(response.status).toBe(201);
    return json<MessageDto>(response);
  };
  const stored = async () =>
    (
      await json<{ data: MessageDto[] }>(
        await api(`/api/v1/conversations/${conversationId}/messages`, { cookie: ws.ownerCookie }),
      )
    ).data;
  return { ws, visitorSends, staffSends, stored };
}

describe("client_message_id", () => {
  it("a visitor reusing the id of an agent's note gets their own message, never the note", async () => {
    const { ws, visitorSends, staffSends, stored } = await setup();
    const note = await staffSends(
      { cookie: ws.ownerCookie },
      { text: "Internal: customer owes 4,000 EUR", client_message_id: "n-1", private: true },
    );
    const mine = await visitorSends("Is anyone there?", "n-1");
    expect(mine.id).not.toBe(note.id);
    expect(mine).toMatchObject({ kind: "text", text: "Is anyone there?" });
    expect(mine.sender.type).toBe("visitor");
    // a true retry by the visitor is still stored once
    expect(await visitorSends("Is anyone there?", "n-1")).toEqual(mine);
    expect((await stored()).map((m) => m.text)).toEqual([
      "Hello",
      "Internal: customer owes 4,000 EUR",
      "Is anyone there?",
    ]);
  });

  it("an agent reusing a visitor's id gets their reply stored, and a retry stores it once", async () => {
    const { ws, visitorSends, staffSends, stored } = await setup();
    const visitors = await visitorSends("Where is my order?", "v-1");
    const reply = await staffSends(
      { cookie: ws.ownerCookie },
      { text: "It ships today", client_message_id: "v-1" },
    );
    expect(reply.id).not.toBe(visitors.id);
    expect(reply).toMatchObject({ text: "It ships today", sender: { type: "agent" } });
    expect(
      await staffSends(
        { cookie: ws.ownerCookie },
        { text: "It ships today", client_message_id: "v-1" },
      ),
    ).toEqual(reply);
    expect((await stored()).map((m) => m.text)).toEqual([
      "Hello",
      "Where is my order?",
      "It ships today",
    ]);
  });

  it("API keys, agents and visitors each have their own ids, and each retry stores once", async () => {
    const { ws, visitorSends, staffSends, stored } = await setup();
    const keyA = await createKey(ws.ownerCookie);
    const keyB = await createKey(ws.ownerCookie);
    const agent = await staffSends(
      { cookie: ws.ownerCookie },
      { text: "from the agent", client_message_id: "x-1" },
    );
    const fromA = await staffSends({ key: keyA }, { text: "from key A", client_message_id: "x-1" });
    const fromB = await staffSends({ key: keyB }, { text: "from key B", client_message_id: "x-1" });
    const visitor = await visitorSends("from the visitor", "x-1");
    expect(new Set([agent.id, fromA.id, fromB.id, visitor.id]).size).toBe(4);
    expect(fromA.text).toBe("from key A");
    expect(fromB.text).toBe("from key B");
    expect(
      await staffSends({ key: keyA }, { text: "from key A", client_message_id: "x-1" }),
    ).toEqual(fromA);
    expect(
      await staffSends({ key: keyB }, { text: "from key B", client_message_id: "x-1" }),
    ).toEqual(fromB);
    expect((await stored()).map((m) => m.text)).toEqual([
      "Hello",
      "from the agent",
      "from key A",
      "from key B",
      "from the visitor",
    ]);
  });
});
