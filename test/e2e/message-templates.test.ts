import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
  callAs,
  expectAccessible,
  type LocalConversa,
  launchBrowser,
  screenshot,
  signIn,
} from "./browser";

let server: LocalConversa;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;
let browser: Browser;
let page: Page;

const LAPTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const ADDRESS = `ana.templates.${Date.now()}@example.com`;

const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

type FakeRequest = { path: string; body: string };

async function emailsTo(address: string) {
  const response = await fetch(`${fake.url}/__fake/requests?path=/emails`);
  const requests = (await response.json()) as FakeRequest[];
  return requests.filter((r) => r.body.includes(address));
}

/** An email channel on the fake provider and the contact the test goes to. */
async function seed() {
  await call("POST", "/api/v1/channels", {
    type: "email",
    name: "Billing email",
    config: {
      inbound_address: `billing-${Date.now()}@acme.test`,
      provider: "resend",
      api_key: "re_e2e_key",
      from_accounts: [{ area: "all", from: "Acme Billing <billing@acme.test>" }],
      api_base_url: fake.url,
    },
  });
  await call("POST", "/api/v1/contacts", { name: "Ana Lima", email: ADDRESS });
}

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  server = await startConversa(8991, { fakePlatformsUrl: fake.url });
  browser = await launchBrowser();
  const context = await browser.newContext({ baseURL: server.base, viewport: LAPTOP });
  page = await context.newPage();
  await signIn(page, server.base);
  await seed();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

describe("the message templates screen", () => {
  it("creates an email template with a %first_name% alias, previews it for a contact and sends a test", async () => {
    const violations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        violations.push(message.text());
    });
    await page.goto("/settings/message-templates");
    await page.getByRole("heading", { name: "No templates yet" }).waitFor();
    await page.getByRole("button", { name: "New template" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Invoice ready");
    await expect
      .poll(() => dialog.getByLabel("Channel").inputValue(), { timeout: 15_000 })
      .toBe("email");
    await dialog.getByLabel("Area").fill("billing");

    // the API's objection shows beside its field, and nothing is saved
    await dialog.getByLabel("Plain-text part").fill("Hi %first_name%, your invoice is ready.");
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog
      .locator(".field", { has: page.getByLabel("Subject") })
      .locator(".field-error")
      .waitFor();
    await expect(call("GET", "/api/v1/message-templates")).resolves.toEqual({ data: [] });

    await dialog.getByLabel("Subject").fill("Your invoice, %first_name%");
    await dialog
      .getByLabel("HTML part")
      .fill(
        '<p onclick="steal()">Hi <b>%first_name%</b>, your invoice is ready.</p><script>steal()</script>',
      );
    await screenshot(page, "message-template-editor");
    await dialog.getByRole("button", { name: "Save" }).click();
    await page.getByRole("cell", { name: "Invoice ready", exact: true }).waitFor();
    const saved = await call<{ data: { html: string }[] }>("GET", "/api/v1/message-templates");
    expect(saved.data[0]?.html).toBe("<p>Hi <b>%first_name%</b>, your invoice is ready.</p>");

    await page.getByRole("button", { name: "Preview Invoice ready" }).click();
    const preview = page.getByRole("dialog");
    await preview.getByLabel("Sample contact").selectOption({ label: `Ana Lima · ${ADDRESS}` });
    await expect
      .poll(() => preview.getByTestId("preview-subject").textContent(), { timeout: 15_000 })
      .toBe("Your invoice, Ana");
    await expect
      .poll(() => preview.getByTestId("preview-body").textContent(), { timeout: 15_000 })
      .toBe("Hi Ana, your invoice is ready.");
    const html = page.frameLocator("[data-testid=template-html]");
    await expect.poll(() => html.locator("b").textContent(), { timeout: 15_000 }).toBe("Ana");
    await screenshot(page, "message-template-preview");
    await expectAccessible(page, "the template preview");

    await expect
      .poll(() => preview.getByLabel("Send on").inputValue(), { timeout: 15_000 })
      .not.toBe("");
    await preview.getByRole("button", { name: "Send test" }).click();
    await page.getByText("Test sent").first().waitFor();
    await expect.poll(async () => (await emailsTo(ADDRESS)).length, { timeout: 15_000 }).toBe(1);
    const [email] = await emailsTo(ADDRESS);
    expect(JSON.parse(email?.body ?? "{}")).toMatchObject({
      to: [ADDRESS],
      subject: "Your invoice, Ana",
      text: "Hi Ana, your invoice is ready.",
      html: "<p>Hi <b>Ana</b>, your invoice is ready.</p>",
    });
    expect(violations).toEqual([]);
  });

  it("filters by channel kind, and fits a phone", async () => {
    await page.keyboard.press("Escape");
    await call("POST", "/api/v1/message-templates", {
      name: "Payment reminder",
      channel_kind: "sms",
      area: "billing",
      body: "%name%, your payment is due",
    });
    await page.goto("/settings/message-templates");
    await page.getByRole("cell", { name: "Payment reminder", exact: true }).waitFor();
    await page.getByLabel("Channel").selectOption("sms");
    await expect.poll(() => page.locator("tbody tr").count(), { timeout: 15_000 }).toBe(1);
    await expect(
      page.getByRole("cell", { name: "Invoice ready", exact: true }).count(),
    ).resolves.toBe(0);
    await screenshot(page, "message-templates-list");
    await expectAccessible(page, "the templates list");
    await page.setViewportSize(PHONE);
    await page.getByLabel("Channel").selectOption("");
    await page.getByRole("cell", { name: "Invoice ready", exact: true }).waitFor();
    await screenshot(page, "message-templates-list");
    const wider = await page.evaluate(() =>
      [...document.querySelectorAll("body *")]
        .filter(
          (e) =>
            !e.closest(".table-wrap") && e.getBoundingClientRect().right > window.innerWidth + 1,
        )
        .map((e) => `${e.tagName.toLowerCase()}.${e.className}`)
        .slice(0, 5),
    );
    expect(wider).toEqual([]);
    await page.setViewportSize(LAPTOP);
  });
});
