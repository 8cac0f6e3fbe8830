/// <reference lib="dom" />

import { readdirSync, readFileSync } from "node:fs";
import { parse } from "csv-parse/sync";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { DEMO_LOGIN, DEMO_SECOND_WORKSPACE } from "../../scripts/seed.mjs";
import {
  expectAccessible,
  expectNoSidewaysScroll,
  type LocalConversa,
  launchBrowser,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let admin: string;
let supervisor: Page;
let lead: { email: string; password: string; cookie: string };

const cookieOf = (response: Response) =>
  (response.headers.get("set-cookie") ?? "").split(";")[0] ?? "";

/** A JSON call to the local Conversa as a signed-in person. */
async function call<T = Record<string, unknown>>(
  cookie: string,
  path: string,
  body?: unknown,
  method = body ? "POST" : "GET",
): Promise<T> {
  const response = await fetch(`${server.base}${path}`, {
    method,
    headers: { cookie, origin: server.base, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

const signInAs = async (email: string, password: string) =>
  cookieOf(
    await fetch(`${server.base}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.base },
      body: JSON.stringify({ email, password }),
    }),
  );

/** A member with `role`, joined through an invitation; answers their session cookie. */
async function member(email: string, name: string, role: "agent" | "supervisor") {
  const invitation = await call<{ token: string }>(admin, "/api/v1/invitations", { email, role });
  const password = `${role}-secret-1`;
  const accepted = await fetch(`${server.base}/api/v1/auth/accept-invite`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.base },
    body: JSON.stringify({ token: invitation.token, password, name }),
  });
  expect(accepted.status).toBe(200);
  return { email, password, cookie: await signInAs(email, password) };
}

/** A web-chat visitor who writes once: a conversation opened, a message in. */
async function visitorWrites(name: string, text: string) {
  const session = await fetch(`${server.base}/widget/v1/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ channel_id: server.channelId, name }),
  });
  const { token } = (await session.json()) as { token: string };
  const sent = await fetch(`${server.base}/widget/v1/messages`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ text }),
  });
  expect(sent.status, await sent.clone().text()).toBe(201);
  return ((await sent.json()) as { conversation_id: string }).conversation_id;
}

type Totals = {
  conversations_opened: number;
  conversations_closed: number;
  messages_in: number;
  messages_out: number;
};
type ConversationsReport = { totals: Totals; series: { period: string }[] };

const today = () => {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
const daysAgo = (days: number) => {
  const d = new Date();
  d.setDate(d.getDate() - days);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

/** Three conversations: two answered (one by each of two people), one of them closed. */
async function seed(supervisorCookie: string) {
  const first = await visitorWrites("Lucía Fernández", "Hola, my order 4711 has not arrived");
  const second = await visitorWrites("Tom Baker", "Can I change my delivery address?");
  await visitorWrites("Aylin Demir", "Do you ship to Izmir?");
  await call(admin, `/api/v1/conversations/${first}/messages`, { text: "Let me check that." });
  await call(admin, `/api/v1/conversations/${first}/messages`, { text: "It ships today." });
  await call(supervisorCookie, `/api/v1/conversations/${second}/messages`, { text: "Sure!" });
  await call(admin, `/api/v1/conversations/${first}/status`, {
    status: "closed",
    reason: "Resolved",
  });
  // the counters follow the projection: wait until they hold what was done
  const url = `/api/v1/reports/conversations?from=${daysAgo(6)}&to=${today()}`;
  for (let tries = 0; tries < 60; tries++) {
    const { totals } = await call<ConversationsReport>(admin, url);
    if (totals.conversations_opened === 3 && totals.conversations_closed === 1) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the reports never counted the seeded conversations");
}

/** A screenshot of the whole screen: the window made as tall as the page scrolls, then back. */
async function lookAtWhole(page: Page, path: string) {
  const size = page.viewportSize() ?? VIEWPORTS.laptop;
  const height = await page.locator("#main").evaluate((main) => {
    main.scrollTop = 0;
    return main.scrollHeight;
  });
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
  await page.screenshot({ path });
  await page.setViewportSize(size);
}

const kpi = (page: Page, key: string) =>
  page.locator(`[data-kpi="${key}"] .kpi-value`).textContent();

beforeAll(async () => {
  server = await startConversa(8961);
  browser = await launchBrowser();
  admin = await signInAs(DEMO_LOGIN.email, DEMO_LOGIN.password);
  lead = await member("sofia@demo.local", "Sofía Reyes", "supervisor");
  await seed(lead.cookie);
  const context = await browser.newContext({ viewport: VIEWPORTS.laptop, baseURL: server.base });
  supervisor = await context.newPage();
  await supervisor.goto("/");
  await supervisor.fill("input[name=email]", lead.email);
  await supervisor.fill("input[name=password]", lead.password);
  await supervisor.click("button[type=submit]");
  await supervisor.waitForSelector("nav.rail");
}, 400_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

describe("the reports screen", () => {
  it("shows a supervisor the range's figures as the API gives them, kept in the address", async () => {
    const page = supervisor;
    await page.getByRole("link", { name: "Reports", exact: true }).click();
    await page.waitForURL("**/reports");
    await page.getByRole("heading", { name: "Reports", level: 1 }).waitFor();

    const api = await call<ConversationsReport>(
      admin,
      `/api/v1/reports/conversations?from=${daysAgo(6)}&to=${today()}`,
    );
    await expect
      .poll(() => kpi(page, "opened"), { timeout: 15_000 })
      .toBe(String(api.totals.conversations_opened));
    expect(await kpi(page, "closed")).toBe(String(api.totals.conversations_closed));
    expect(await kpi(page, "messagesIn")).toBe(String(api.totals.messages_in));
    expect(await kpi(page, "messagesOut")).toBe(String(api.totals.messages_out));
    // the inbox now: two of the three are still open
    await expect
      .poll(() => page.locator('[data-stat="open"] dd').textContent(), { timeout: 15_000 })
      .toBe("2");
    // the charts draw the same series; their legends add them up
    const legend = (chart: string) =>
      page.locator(`section[aria-labelledby="chart-${chart}"] .chart-key`).allTextContents();
    await expect
      .poll(() => legend("conversations"), { timeout: 15_000 })
      .toEqual(["Opened3", "Closed1"]);
    await expect(page.locator(".time-chart-plot canvas").count()).resolves.toBe(2);
    await page.getByRole("heading", { name: "No surveys in this range" }).waitFor();
    await expectAccessible(page, "the reports screen", "#main");
    await lookAtWhole(page, "/tmp/dash-laptop.png");

    // a custom range that ends before today's conversations has none of them
    await page.getByLabel("Date range").selectOption("custom");
    await page.waitForURL(/range=custom/);
    await page.getByLabel("To", { exact: true }).fill(daysAgo(1));
    await page.getByLabel("From", { exact: true }).fill(daysAgo(3));
    await page.waitForURL(new RegExp(`from=${daysAgo(3)}&to=${daysAgo(1)}`));
    await expect.poll(() => kpi(page, "opened"), { timeout: 15_000 }).toBe("0");
    await expect
      .poll(() => legend("conversations"), { timeout: 15_000 })
      .toEqual(["Opened0", "Closed0"]);
    await page.getByRole("heading", { name: "No agent activity in this range" }).waitFor();

    // a reload keeps the range; back goes to the one before
    await page.reload();
    await expect.poll(() => page.getByLabel("Date range").inputValue()).toBe("custom");
    await expect.poll(() => page.getByLabel("From", { exact: true }).inputValue()).toBe(daysAgo(3));
    await expect.poll(() => kpi(page, "opened"), { timeout: 15_000 }).toBe("0");
    await page.goBack();
    await page.goBack();
    await expect.poll(() => kpi(page, "opened"), { timeout: 15_000 }).toBe("3");
  });

  it("sorts the agents and exports them as CSV", async () => {
    const page = supervisor;
    const table = page.getByRole("table", { name: "Agents" });
    const names = () => table.locator("tbody td.agent-name").allTextContents();
    await expect.poll(names, { timeout: 15_000 }).toEqual(["Demo Admin", "Sofía Reyes"]);
    await table.getByRole("button", { name: "Replies" }).click();
    await expect.poll(names).toEqual(["Sofía Reyes", "Demo Admin"]);
    await table.getByRole("button", { name: "Agent" }).click();
    await expect.poll(names).toEqual(["Demo Admin", "Sofía Reyes"]);

    const link = page.getByRole("link", { name: "Export CSV – Agents" });
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toContain("format=csv");
    const response = await page.request.get(href);
    expect(response.headers()["content-type"]).toContain("text/csv");
    const rows: Record<string, string>[] = parse(await response.text(), { columns: true });
    expect(rows.map((row) => [row.agent, row.replies])).toEqual([
      ["Demo Admin", "2"],
      ["Sofía Reyes", "1"],
    ]);
  });

  it("shows the range's broadcasts, automations, AI and new contacts as the API gives them", async () => {
    const page = supervisor;
    const range = `from=${daysAgo(6)}&to=${today()}`;
    const card = (report: string) => page.locator(`section[data-report="${report}"]`);
    const figure = (report: string, key: string) =>
      card(report).locator(`[data-figure="${key}"] dd`).first().textContent();
    const shown: [string, string, string][] = [
      ["broadcasts", "runs", "No broadcasts started in this range"],
      ["automations", "runs", "No automation ran in this range"],
      ["ai", "calls", "No AI activity in this range"],
    ];
    for (const [report, key, emptyTitle] of shown) {
      const api = await call<{ totals: Record<string, number> }>(
        admin,
        `/api/v1/reports/${report}?${range}`,
      );
      const empty = Object.values(api.totals).every((n) => n === 0);
      if (empty) await card(report).getByRole("heading", { name: emptyTitle }).waitFor();
      else await expect.poll(() => figure(report, key)).toBe(String(api.totals[key]));
    }
    // the three visitors who wrote in are new contacts from the web chat
    const contacts = await call<{
      totals: { new_contacts: number; by_source: { webchat?: number } };
    }>(admin, `/api/v1/reports/contacts?${range}`);
    expect(contacts.totals.by_source.webchat).toBeGreaterThanOrEqual(3);
    await expect
      .poll(() => figure("contacts", "new_contacts"), { timeout: 15_000 })
      .toBe(String(contacts.totals.new_contacts));
    const sources = card("contacts").getByRole("table", { name: "New contacts" });
    await expect.poll(() => sources.locator("tbody tr", { hasText: "Web chat" }).count()).toBe(1);

    const link = page.getByRole("link", { name: "Export CSV – New contacts" });
    const href = (await link.getAttribute("href")) ?? "";
    expect(href).toContain("/api/v1/reports/contacts?");
    const response = await page.request.get(href);
    expect(response.headers()["content-type"]).toContain("text/csv");
    const rows: Record<string, string>[] = parse(await response.text(), { columns: true });
    expect(rows).toHaveLength(7);
    expect(rows.reduce((n, row) => n + Number(row.new_contacts), 0)).toBe(
      contacts.totals.new_contacts,
    );
  });

  it("counts times in business hours when asked, and exports the range's conversations", async () => {
    const page = supervisor;
    const asked = page.waitForRequest(
      (r) => r.url().includes("/reports/conversations?") && r.url().includes("hours=business"),
    );
    await page.getByLabel("Times counted in").selectOption("business");
    await page.waitForURL(/hours=business/);
    await asked;

    await page.getByRole("button", { name: "Export conversations" }).click();
    const dialog = page.getByRole("dialog", { name: "Export conversations" });
    const download = dialog.getByRole("link", { name: "Download CSV" });
    await download.waitFor({ timeout: 15_000 });
    const file = await page.request.get((await download.getAttribute("href")) ?? "");
    const rows: Record<string, string>[] = parse(await file.text(), { columns: true });
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.channel && row.created_at)).toBe(true);
    await dialog.getByRole("button", { name: "Close" }).last().click();
  });

  it("lists every label of the workspace with its conversations", async () => {
    const page = supervisor;
    const table = page.getByRole("table", { name: "Labels" });
    const api = await call<{ labels: { label: string }[] }>(
      admin,
      `/api/v1/reports/labels?from=${daysAgo(6)}&to=${today()}`,
    );
    expect(api.labels.length).toBeGreaterThan(0);
    await expect
      .poll(() => table.locator("tbody tr").count(), { timeout: 15_000 })
      .toBe(api.labels.length);
    const shown = await table.locator("tbody td.agent-name").allTextContents();
    expect(shown.sort()).toEqual(api.labels.map((row) => row.label).sort());
  });

  it("shows an admin of two locations each one beside the sum, and a supervisor of one none", async () => {
    const page = await browser.newPage({ viewport: VIEWPORTS.laptop, baseURL: server.base });
    await page.goto("/");
    await page.fill("input[name=email]", DEMO_LOGIN.email);
    await page.fill("input[name=password]", DEMO_LOGIN.password);
    await page.click("button[type=submit]");
    await page.waitForSelector("nav.rail");
    await page.goto("/reports");
    const table = page.getByRole("table", { name: "Locations" });
    const names = () => table.locator("tbody td.agent-name").allTextContents();
    await expect.poll(names, { timeout: 15_000 }).toHaveLength(2);
    expect(await names()).toContain(DEMO_SECOND_WORKSPACE);
    const api = await call<{ totals: { conversations_opened: number } }>(
      admin,
      `/api/v1/reports/consolidated?from=${daysAgo(6)}&to=${today()}`,
    );
    const footer = table.locator("tfoot td");
    expect(await footer.first().textContent()).toBe("All locations");
    expect(await footer.nth(1).textContent()).toBe(String(api.totals.conversations_opened));
    await lookAtWhole(page, "/tmp/dash-locations.png");
    await page.close();
    // the supervisor belongs to one workspace only
    await supervisor.getByRole("heading", { name: "Agents" }).waitFor();
    expect(await supervisor.getByRole("table", { name: "Locations" }).count()).toBe(0);
  });

  it("lays the screen out for a phone", async () => {
    const page = supervisor;
    await page.setViewportSize(VIEWPORTS.phone);
    await page.locator(".time-chart-plot canvas").first().waitFor();
    await expectAccessible(page, "the reports screen on a phone", "#main");
    await lookAtWhole(page, "/tmp/dash-phone.png");
    await expectNoSidewaysScroll(page, "the reports screen on a phone");
    await page.setViewportSize(VIEWPORTS.laptop);
  });

  it("reads right to left in Arabic and draws in the dark theme's colours", async () => {
    const page = supervisor;
    await call(lead.cookie, "/api/v1/me", { language: "ar" }, "PATCH");
    await page.reload();
    await page.getByRole("heading", { name: "التقارير", level: 1 }).waitFor();
    await page.locator(".time-chart-plot canvas").first().waitFor();
    expect(await page.evaluate(() => document.documentElement.dir)).toBe("rtl");
    await expectAccessible(page, "the reports screen in Arabic", "#main");
    await lookAtWhole(page, "/tmp/dash-ar-laptop.png");
    await page.setViewportSize(VIEWPORTS.phone);
    await expectNoSidewaysScroll(page, "the reports screen in Arabic on a phone");
    await lookAtWhole(page, "/tmp/dash-ar-phone.png");
    await page.setViewportSize(VIEWPORTS.laptop);
    await call(lead.cookie, "/api/v1/me", { language: "en" }, "PATCH");

    await page.emulateMedia({ colorScheme: "dark" });
    await page.reload();
    await page.locator(".time-chart-plot canvas").first().waitFor();
    await expectAccessible(page, "the reports screen in the dark", "#main");
    await lookAtWhole(page, "/tmp/dash-dark.png");
    await page.emulateMedia({ colorScheme: "light" });
  });

  it("keeps uPlot out of the inbox's first load", () => {
    const dist = new URL("../../web/dist/", import.meta.url).pathname;
    const html = readFileSync(`${dist}index.html`, "utf8");
    const loadedFirst = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.js)"/g)].map(
      (m) => m[1] ?? "",
    );
    expect(loadedFirst.length).toBeGreaterThan(0);
    const hasUplot = (file: string) =>
      readFileSync(`${dist}${file}`, "utf8").includes("u-cursor-pt");
    expect(loadedFirst.filter(hasUplot)).toEqual([]);
    const chunks = readdirSync(`${dist}assets`).filter((f) => f.endsWith(".js"));
    expect(chunks.filter((f) => hasUplot(`assets/${f}`)).length).toBeGreaterThan(0);
  });

  it("shows an agent no Reports entry, and /reports says it is not theirs", async () => {
    const agent = await member("luis@demo.local", "Luis Ortega", "agent");
    const context = await browser.newContext({ viewport: VIEWPORTS.laptop, baseURL: server.base });
    const page = await context.newPage();
    await page.goto("/");
    await page.fill("input[name=email]", agent.email);
    await page.fill("input[name=password]", agent.password);
    await page.click("button[type=submit]");
    await page.waitForSelector("nav.rail");
    expect(await page.getByRole("link", { name: "Reports" }).count()).toBe(0);
    await page.goto("/reports");
    await page.getByRole("heading", { name: "Reports are for supervisors and admins" }).waitFor();
    const refused = await fetch(`${server.base}/api/v1/reports/overview`, {
      headers: { cookie: agent.cookie },
    });
    expect(refused.status).toBe(403);
    await context.close();
  });
});
