import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { attachmentUrl, storeAttachment } from "../../worker/lib/files";
import { api, newWebchat, newWorkspace } from "../helpers";

/** The directives of a Content-Security-Policy header, by name. */
function directives(response: Response): Map<string, string[]> {
  const header = response.headers.get("content-security-policy");
  if (!header) throw new Error(`no Content-Security-Policy on ${response.url}`);
  return new Map(
    header.split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );
}

function expectCommonHeaders(response: Response) {
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  expect(response.headers.get("x-frame-options")).toBe("DENY");
  expect(directives(response).get("frame-ancestors")).toEqual(["'none'"]);
}

/** A page whose scripts all come from files of our own origin, with no inline script. */
function expectNoInlineScript(page: string) {
  const scripts = [...page.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
  expect(scripts.length).toBeGreaterThan(0);
  for (const [, attributes = "", body = ""] of scripts) {
    expect(attributes).toMatch(/\bsrc="\/[^/]/);
    expect(body.trim()).toBe("");
  }
  expect(page).not.toMatch(/\son[a-z]+\s*=/i);
  expect(page).not.toMatch(/<style\b/i);
  expect(page).not.toMatch(/https?:\/\//);
}

function expectScriptsOnlyFromSelf(policy: Map<string, string[]>) {
  expect(policy.get("default-src")).toEqual(["'none'"]);
  expect(policy.get("script-src")).toEqual(["'self'"]);
  expect(policy.get("base-uri")).toEqual(["'none'"]);
}

describe("security headers on what the Worker answers", () => {
  it("the API (answers, problems, unknown paths) allows nothing to load or frame it", async () => {
    const ws = await newWorkspace();
    const answers = [
      await api("/api/v1/me", { cookie: ws.ownerCookie }),
      await api("/api/v1/me"),
      await api("/api/v1/openapi.json"),
      await api("/api/v1/no-such-thing"),
      await api("/api/v1/contacts", { cookie: ws.ownerCookie, body: { name: 5 } }),
      await api("/health"),
      await api("/webhooks/custom/ch_unknown", { body: {} }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 200, 404, 422, 200, 404]);
    for (const response of answers) {
      expectCommonHeaders(response);
      expect(response.headers.get("content-security-policy")).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
  });

  it("the widget API keeps answering any origin, with the API's policy", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const response = await api(`/widget/v1/channels/${channel.id}`, {
      headers: { origin: "https://shop.example" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expectCommonHeaders(response);
    expect(directives(response).get("default-src")).toEqual(["'none'"]);
  });

  it("an uploaded file is sandboxed, never sniffed, never framed", async () => {
    const ws = await newWorkspace();
    const page = "<script>alert(document.cookie)</script>";
    const attachment = await storeAttachment(
      env,
      { workspaceId: ws.id, conversationId: "cv_headers", fileId: "file_headers" },
      {
        body: await new Response(page).arrayBuffer(),
        name: "page.html",
        contentType: "text/html",
        size: page.length,
      },
    );
    const response = await api(await attachmentUrl(env, attachment.key));
    expect(response.status).toBe(200);
    expectCommonHeaders(response);
    const policy = directives(response);
    expect(policy.get("default-src")).toEqual(["'none'"]);
    expect(policy.has("sandbox")).toBe(true);
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("content-disposition")).toMatch(/^attachment;/);
  });

  it("the widget demo page runs scripts from our files only, with no inline script", async () => {
    const ws = await newWorkspace();
    const channel = await newWebchat(ws.ownerCookie);
    const response = await api(`/demo?channel=${channel.id}`);
    expect(response.status).toBe(200);
    expectCommonHeaders(response);
    const policy = directives(response);
    expectScriptsOnlyFromSelf(policy);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expectNoInlineScript(await response.text());
  });

  it("the API docs page loads Swagger UI from our own origin, with no inline script", async () => {
    const response = await api("/api/docs");
    expect(response.status).toBe(200);
    expectCommonHeaders(response);
    const policy = directives(response);
    expectScriptsOnlyFromSelf(policy);
    expect(policy.get("style-src")).toEqual(["'self'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    const page = await response.text();
    expectNoInlineScript(page);
    expect(page).toContain('src="/api/docs/swagger-ui-bundle.js"');
    expect(page).toContain('src="/api/docs/init.js"');
    expect(page).toContain('data-openapi-url="/api/v1/openapi.json"');
    expect((await api("/api/docs/other.js")).status).toBe(404);
  });
});
