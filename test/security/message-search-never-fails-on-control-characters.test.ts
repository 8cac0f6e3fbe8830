import { env } from "cloudflare:workers";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { searchMessages } from "../../worker/domain/messaging/search";
import { api, expectProblem, newVisitorConversation, newWorkspace } from "../helpers";

describe("message search", () => {
  it("refuses a query with a NUL as a 422 on q, never a 5xx", async () => {
    const ws = await newWorkspace();
    const refused = await expectProblem(
      await api("/api/v1/search/messages?q=%00", { cookie: ws.ownerCookie }),
      422,
    );
    expect(refused.errors?.[0]?.path).toBe("query.q");
  });

  it("builds a valid full-text query from any text, control characters dropped", async () => {
    const { ws, message } = await newVisitorConversation("hola, necesito ayuda");
    const found = await searchMessages(env.DB, ws.id, "necesito\u0000 \u0001ayu", 5);
    expect(found.map((m) => m.message_id)).toEqual([message.id]);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 40 }), async (q) => {
        await searchMessages(env.DB, ws.id, q, 5);
        const response = await api(`/api/v1/search/messages?q=${encodeURIComponent(q)}`, {
          cookie: ws.ownerCookie,
        });
        expect(response.status, JSON.stringify(q)).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });
});
