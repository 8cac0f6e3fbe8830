import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { DEMO_LOGIN } from "../../scripts/seed.mjs";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
  callAs,
  expectAccessible,
  expectNoSidewaysScroll,
  type LocalConversa,
  launchBrowser,
  screenshot,
  signIn,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;
let browser: Browser;
let page: Page;

type FakeRequest = { path: string; body: string };

/** What the fake e-mail provider was asked to send to `address`. */
async function emailsTo(address: string) {
  const response = await fetch(`${fake.url}/__fake/requests?path=/emails`);
  const requests = (await response.json()) as FakeRequest[];
  return requests.filter((r) => r.body.includes(address));
}

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  server = await startConversa(8927, { fakePlatformsUrl: fake.url });
  browser = await launchBrowser();
  const context = await browser.newContext({ baseURL: server.base, viewport: VIEWPORTS.laptop });
  page = await context.newPage();
  await signIn(page, server.base);
}, 600_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

describe("the report e-mails settings", () => {
  it("asks for an email channel first, then schedules the summary and sends a test to the admin", async () => {
    await page.goto("/settings/report-emails");
    await page.getByText("Connect an email channel first").waitFor();

    await callAs(page, server.base, "POST", "/api/v1/channels", {
      type: "email",
      name: "Team reports",
      config: {
        inbound_address: `reports-${Date.now()}@acme.test`,
        provider: "resend",
        api_key: "re_e2e_key",
        from_accounts: [{ area: "all", from: "Acme Reports <reports@acme.test>" }],
        api_base_url: fake.url,
      },
    });
    await page.reload();
    await page.getByLabel("Email channel that sends it").waitFor();
    await page.getByLabel("How often").selectOption("weekly");
    await page.getByLabel("Day", { exact: true }).selectOption({ label: "Monday" });
    await page.getByLabel("Time", { exact: true }).fill("08:30");
    await page.getByRole("checkbox", { name: /Demo Admin/ }).check();
    await expectAccessible(page, "the report e-mails settings", "#main");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Report e-mails saved").waitFor();

    const saved = await callAs<{
      frequency: string;
      weekday: number;
      time: string;
      enabled: boolean;
    }>(page, server.base, "GET", "/api/v1/reports/email-schedule");
    expect(saved).toMatchObject({ frequency: "weekly", weekday: 1, time: "08:30", enabled: true });

    await page.getByRole("button", { name: "Send a test to me now" }).click();
    await page.getByText(`Test summary sent to ${DEMO_LOGIN.email}`).waitFor();
    await expect.poll(async () => (await emailsTo(DEMO_LOGIN.email)).length).toBe(1);
    const [email] = await emailsTo(DEMO_LOGIN.email);
    const sent = JSON.parse(email?.body ?? "{}") as { subject: string; html: string };
    expect(sent.subject).toMatch(/^Conversa weekly summary/);
    expect(sent.html).toContain("Conversations opened");
    await screenshot(page, "settings-report-emails");
    const letter = await browser.newPage({ viewport: VIEWPORTS.laptop });
    await letter.setContent(sent.html);
    await letter.screenshot({ path: "test-results/report-email-letter.png", fullPage: true });
    await letter.close();

    await page.setViewportSize(VIEWPORTS.phone);
    await expectNoSidewaysScroll(page, "the report e-mails settings on a phone");
    await screenshot(page, "settings-report-emails");
  });
});
