import { describe, expect, it } from "vitest";
import { api, expectProblem, newVisitorConversation, newWorkspace, visitorSays } from "../helpers";

async function conversationWithHistory() {
  const { ws, conversationId, visitor } = await newVisitorConversation(
    "Hello, is the <b>blue</b> one in stock?",
  );
  const cookie = ws.ownerCookie;
  const post = (path: string, body: unknown) =>
    api(`/api/v1/conversations/${conversationId}${path}`, { cookie, body });
  expect((await post("/messages", { text: "Yes, two left.\nShall I keep one?" })).status).toBe(201);
  expect((await post("/messages", { text: "VIP customer", private: true })).status).toBe(201);
  await visitorSays(visitor.token, "<script>alert(1)</script> please");
  expect((await post("/labels", { labels: ["stock"] })).status).toBe(200);
  expect((await post("/status", { status: "closed" })).status).toBe(200);
  return { ws, cookie, conversationId };
}

const transcript = (cookie: string, id: string, query = "") =>
  api(`/api/v1/conversations/${id}/transcript${query}`, { cookie });

describe("a conversation's transcript", () => {
  it("reads as text in order, its notes left out unless asked for", async () => {
    const { cookie, conversationId } = await conversationWithHistory();
    const response = await transcript(cookie, conversationId, "?timezone=UTC");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="conversation-\d+\.txt"$/,
    );
    const lines = (await response.text()).trimEnd().split("\n");
    expect(lines[0]).toMatch(/^Conversation #\d+$/);
    expect(lines[2]).toBe("Times in UTC");
    const body = lines.slice(4).map((line) => line.replace(/^\[\d{4}-\d\d-\d\d \d\d:\d\d\] /, ""));
    expect(body).toEqual([
      expect.stringMatching(/: Hello, is the <b>blue<\/b> one in stock\?$/),
      expect.stringMatching(/: Yes, two left\.$/),
      "    Shall I keep one?",
      expect.stringMatching(/: <script>alert\(1\)<\/script> please$/),
      "— Labelled stock",
      "— Status: open → closed",
    ]);
    const withNotes = await (await transcript(cookie, conversationId, "?notes=true")).text();
    expect(withNotes).toMatch(/\(internal note\): VIP customer/);
  });

  it("prints as a page with every customer's word escaped", async () => {
    const { cookie, conversationId } = await conversationWithHistory();
    const response = await transcript(cookie, conversationId, "?format=html");
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    );
    const page = await response.text();
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt; please");
    expect(page).not.toContain("<script>");
    expect(page).not.toContain("VIP customer");
  });

  it("is another workspace's secret, and refuses a bad format with its path", async () => {
    const { conversationId, cookie } = await conversationWithHistory();
    const other = await newWorkspace();
    await expectProblem(await transcript(other.ownerCookie, conversationId), 404);
    const bad = await expectProblem(await transcript(cookie, conversationId, "?format=pdf"), 422);
    expect((bad.errors as { path: string }[]).map((e) => e.path)).toEqual(["query.format"]);
  });
});
