import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { type LocalConversa, launchBrowser, signIn } from "../e2e/browser";
import { cspViolations } from "../e2e/csp";

// Static assets are served by the platform from web/dist with the headers of web/dist/_headers,
// so this runs against `wrangler dev`, the same runtime as production.
let server: LocalConversa;
let browser: Browser;
/** Other sites (another origin on this machine): a customer's shop and a page that frames. */
let sites: Server;
let elsewhere: string;

function sitePage(path: string | undefined): { headers: Record<string, string>; body: string } {
  if (path === "/shop") {
    const sockets = server.base.replace(/^http/, "ws");
    return {
      // what the README asks of a site with a policy of its own
      headers: {
        "content-security-policy": `default-src 'self'; script-src 'self' ${server.base}; connect-src ${server.base} ${sockets}; img-src 'self' ${server.base} data:; style-src 'self' 'unsafe-inline'`,
      },
      body: `<!doctype html><title>Shop</title><h1>Shop</h1><script src="${server.base}/widget.js" data-channel="${server.channelId}" async></script>`,
    };
  }
  return { headers: {}, body: `<!doctype html><iframe src="${server.base}/"></iframe>` };
}

beforeAll(async () => {
  server = await startConversa(8933);
  sites = createServer((request, response) => {
    const { headers, body } = sitePage(request.url);
    response.writeHead(200, { "content-type": "text/html", ...headers });
    response.end(body);
  });
  await new Promise<void>((resolve) => sites.listen(0, "127.0.0.1", resolve));
  elsewhere = `http://127.0.0.1:${(sites.address() as AddressInfo).port}`;
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
  sites?.close();
});

const directives = (header: string | null) =>
  new Map(
    (header ?? "").split(";").map((part) => {
      const [name = "", ...values] = part.trim().split(/\s+/);
      return [name, values];
    }),
  );

async function get(path: string) {
  const response = await fetch(`${server.base}${path}`);
  expect(response.status, path).toBe(200);
  return response;
}

describe("static assets", () => {
  it("the inbox page, its deep links and its files carry a strict policy", async () => {
    const page = await get("/");
    const html = await page.text();
    const files = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? "");
    expect(files.length).toBeGreaterThanOrEqual(2);
    // the built page has no inline script or style for the policy to refuse
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);

    for (const response of [
      page,
      await get("/c/cv_deep_link"),
      ...(await Promise.all(files.map(get))),
    ]) {
      const policy = directives(response.headers.get("content-security-policy"));
      expect(policy.get("default-src"), response.url).toEqual(["'none'"]);
      expect(policy.get("script-src")).toEqual(["'self'"]);
      expect(policy.get("style-src")).toEqual(["'self'"]);
      expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
      expect(policy.get("base-uri")).toEqual(["'none'"]);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("referrer-policy")).toBe("no-referrer");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
    }
  });

  it("the widget files stay loadable from any site", async () => {
    for (const path of ["/widget.js", "/widget-app.js"]) {
      const response = await get(path);
      expect(response.headers.get("access-control-allow-origin")).toBe("*");
      expect(response.headers.get("cross-origin-resource-policy")).toBe("cross-origin");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("content-type")).toMatch(/^text\/javascript/);
    }
  });
});

async function chatInWidget(page: Page, text: string) {
  await page.locator("#conversa-widget button[aria-label=Chat]").click();
  await page.locator("#conversa-widget button[aria-label=Send]:not([disabled])").waitFor();
  await page.locator("#conversa-widget input[aria-label=Message]").fill(text);
  await page.locator("#conversa-widget input[aria-label=Message]").press("Enter");
  await page.locator("#conversa-widget .msg.me", { hasText: text }).waitFor();
}

describe("pages in Chromium", () => {
  it("the widget works on another site with a strict policy of its own, and on the demo page", async () => {
    const shop = await browser.newPage();
    const shopViolations = await cspViolations(shop);
    await shop.goto(`${elsewhere}/shop`);
    await chatInWidget(shop, "Hello from another site");
    expect(shopViolations).toEqual([]);

    const demo = await browser.newPage();
    const demoViolations = await cspViolations(demo);
    await demo.goto(`${server.base}/demo`);
    await chatInWidget(demo, "Hello from the demo page");
    expect(demoViolations).toEqual([]);
  });

  it("the inbox runs under its policy: signing in, a conversation, the settings screens", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const violations = await cspViolations(page);
    await signIn(page, server.base);
    await page.locator(".item", { hasText: "Hello from another site" }).click();
    await page.locator(".bubble.them", { hasText: "Hello from another site" }).waitFor();
    await page.fill("textarea[aria-label=Reply]", "Answered under a strict policy");
    await page.press("textarea[aria-label=Reply]", "Enter");
    await page.locator(".bubble.us", { hasText: "Answered under a strict policy" }).waitFor();
    await page.click("nav.rail a[href='/settings']");
    await page.click("a[href='/settings/channels']");
    await page
      .getByRole("button", { name: /Website chat/ })
      .first()
      .waitFor();
    await page.click("a[href='/settings/teams']");
    await page.getByRole("button", { name: "New team" }).click();
    await page.locator("dialog[open]").getByLabel("Name", { exact: true }).waitFor();
    expect(violations).toEqual([]);
  });

  it("no other site can frame the inbox", async () => {
    const page = await browser.newPage();
    const violations = await cspViolations(page);
    await page.goto(`${elsewhere}/framer`);
    await expect.poll(() => violations.some((v) => /frame-ancestors/.test(v))).toBe(true);
    const inbox = page.frames().find((frame) => frame !== page.mainFrame());
    expect(await inbox?.locator("input[name=email]").count()).toBe(0);
  });
});
