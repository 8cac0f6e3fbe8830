import { describe, expect, it } from "vitest";
import { renderVariables, unknownVariables } from "../../worker/domain/messaging/variables";
import {
  api,
  expectProblem,
  json,
  newWebchat,
  newWorkspace,
  visitorSays,
  visitorSession,
} from "../helpers";

const INHERITED =
  "%__proto__% %constructor% {{constructor}} {{contact.fields.constructor}} {{contact.fields.__proto__}} {{contact.fields.toString}}";

describe("variables named after what every object inherits", () => {
  it("render as unknown placeholders, never as the inherited value", () => {
    const rendered = renderVariables(INHERITED, {
      contact: { name: "Ana", fields: { plan: "gold" } },
    });
    expect(rendered).toEqual({
      text: "%__proto__% %constructor%    ",
      missing: [
        "constructor",
        "contact.fields.constructor",
        "contact.fields.__proto__",
        "contact.fields.toString",
      ],
    });
    expect(unknownVariables(INHERITED, ["plan"])).toEqual([
      "{{constructor}}",
      "{{contact.fields.constructor}}",
      "{{contact.fields.__proto__}}",
      "{{contact.fields.toString}}",
    ]);
  });

  it("are refused when a snippet is saved and filled as missing for a conversation, never a 5xx", async () => {
    const ws = await newWorkspace();
    const refused = await expectProblem(
      await api("/api/v1/snippets", {
        cookie: ws.ownerCookie,
        body: { shortcut: "proto", title: "Proto", body: INHERITED },
      }),
      422,
    );
    expect(refused.errors?.[0]?.path).toBe("body");
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const { conversation_id: id } = await visitorSays(visitor.token, "hi");
    const response = await api(`/api/v1/conversations/${id}/render`, {
      cookie: ws.ownerCookie,
      body: { text: INHERITED },
    });
    expect(response.status).toBe(200);
    const rendered = await json<{ text: string; missing: string[] }>(response);
    expect(rendered.text).not.toMatch(/function|object/i);
    expect(rendered.missing).toContain("contact.fields.constructor");
  });
});
