import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectProblem, newVisitorConversation, ORIGIN, visitorSays } from "../helpers";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * Other spellings of a token's signature that decode to the same 32 bytes: the last of its 43
 * characters carries two unused bits, and padding or whitespace is ignored by a lax decoder.
 */
function respellings(token: string) {
  const [body, signature = ""] = token.split(".");
  const last = ALPHABET.indexOf(signature.at(-1) ?? "");
  const stem = signature.slice(0, -1);
  return [
    ...[1, 2, 3].map((bits) => `${body}.${stem}${ALPHABET[(last & ~3) | bits]}`),
    `${body}.${signature}=`,
  ];
}

describe("visitor token signatures", () => {
  it("are checked over every bit: a respelled signature is refused everywhere", async () => {
    const { ws, visitor, conversationId } = await newVisitorConversation("hello");
    const variants = respellings(visitor.token);
    expect(variants).toHaveLength(4);
    for (const token of variants) {
      expect(token).not.toBe(visitor.token);
      const auth = { headers: { authorization: `Bearer ${token}` }, origin: null };
      await expectProblem(
        await api("/widget/v1/messages", { ...auth, body: { text: "respelled" } }),
        401,
      );
      await expectProblem(
        await api(`/widget/v1/conversations/${conversationId}/messages`, auth),
        401,
      );
      const socket = await exports.default.fetch(
        `${ORIGIN}/widget/v1/conversations/${conversationId}/ws?token=${encodeURIComponent(token)}`,
        { headers: { upgrade: "websocket" } },
      );
      expect(socket.webSocket).toBeNull();
      await expectProblem(socket, 401);
    }
    // the token as issued still works, and nothing respelled was stored
    await visitorSays(visitor.token, "still me");
    const stored = await api(`/api/v1/conversations/${conversationId}/messages`, {
      cookie: ws.ownerCookie,
    });
    const texts = ((await stored.json()) as { data: { text: string }[] }).data.map((m) => m.text);
    expect(texts).toEqual(["hello", "still me"]);
  });
});
