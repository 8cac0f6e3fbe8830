import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import {
  expectAccessible,
  type LocalConversa,
  launchBrowser,
  screenshot,
  signIn,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;
let visitorConversation: string;

/** A JSON call as the signed-in admin on `page`. */
async function call(method: string, path: string, data?: unknown) {
  const response = await page.request.fetch(path, {
    method,
    data,
    headers: { origin: server.base },
  });
  if (!response.ok())
    throw new Error(`${method} ${path}: ${response.status()} ${await response.text()}`);
  return response.json() as Promise<Record<string, unknown>>;
}

/** Fields, two contacts and a visitor who wrote on the web chat. */
async function seed() {
  for (const field of [
    { key: "plan", label: "Plan", type: "select", options: ["free", "gold"] },
    { key: "balance", label: "Balance", type: "number" },
    { key: "renews", label: "Renews", type: "date" },
    { key: "newsletter", label: "Newsletter", type: "boolean" },
  ])
    await call("POST", "/api/v1/contact-fields", field);
  await call("POST", "/api/v1/contacts", {
    name: "Dana Ortiz",
    email: "dana@example.com",
    tags: ["wholesale"],
    custom_fields: { plan: "gold", balance: 1200, renews: "2026-03-01" },
  });
  await call("POST", "/api/v1/contacts", {
    name: "Eli Park",
    phone: "+16505550177",
    custom_fields: { plan: "free", balance: 0 },
  });
  const channels = (await call("GET", "/api/v1/channels")) as unknown as {
    data: { id: string; type: string }[];
  };
  const webchat = channels.data.find((c) => c.type === "webchat");
  const session = await page.request.post("/widget/v1/sessions", {
    data: { channel_id: webchat?.id, name: "Vera Lind" },
  });
  const { token } = (await session.json()) as { token: string };
  const sent = await page.request.post("/widget/v1/messages", {
    data: { text: "Hello, is my order on its way?" },
    headers: { authorization: `Bearer ${token}` },
  });
  visitorConversation = ((await sent.json()) as { conversation_id: string }).conversation_id;
}

const rowNames = () =>
  page.locator(".contacts-table tbody .contact-name > span:last-child").allTextContents();

/** Every contact's name as the API sorts them by name. */
async function namesByName() {
  const list = (await call("GET", "/api/v1/contacts?sort=name&limit=100")) as unknown as {
    data: { name: string }[];
  };
  return list.data.map((c) => c.name);
}

/** Waits until the table lists exactly these names, in order. */
async function waitForRows(expected: string[]) {
  await expect
    .poll(async () => (await rowNames()).map((name) => name.trim()), { timeout: 15_000 })
    .toEqual(expected);
}

beforeAll(async () => {
  server = await startConversa(8947);
  browser = await launchBrowser();
  const context = await browser.newContext({ baseURL: server.base, viewport: VIEWPORTS.laptop });
  page = await context.newPage();
  await signIn(page, server.base);
  await seed();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

describe("the contacts screen", () => {
  it("searches, filters by tag and by a custom field, and sorts", async () => {
    await page.goto("/contacts");
    await page.locator(".contacts-table tbody tr").first().waitFor();
    await page.getByLabel("Sort by").selectOption("name:asc");
    const everyone = await namesByName();
    expect(everyone).toContain("Dana Ortiz");
    await waitForRows(everyone);
    await expect
      .poll(() => page.locator(".pagination").textContent(), { timeout: 15_000 })
      .toContain(`1–${everyone.length} of ${everyone.length}`);
    await screenshot(page, "contacts-list");
    await expectAccessible(page, "the contacts list");

    await page.getByRole("searchbox").fill("park");
    await waitForRows(["Eli Park"]);
    // phones are stored in E.164 and shown the way people read them
    await expect
      .poll(() => page.locator(".contacts-table tbody tr td:nth-child(3)").allTextContents())
      .toEqual(["+1 650 555 0177"]);
    await page.getByRole("searchbox").fill("");

    await page.getByLabel("Filter by tag").selectOption("wholesale");
    await waitForRows(["Dana Ortiz"]);
    await page.getByLabel("Filter by tag").selectOption("");

    await page.getByRole("button", { name: "Field filter" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Field").selectOption({ label: "Balance" });
    await dialog.getByLabel("Condition").selectOption({ label: "at least" });
    await dialog.getByRole("button", { name: "Apply filter" }).click();
    // a filter without a value is refused beside the value
    await expect
      .poll(
        () =>
          dialog
            .locator(".field", { has: page.getByLabel("Value") })
            .locator(".field-error")
            .textContent(),
        { timeout: 15_000 },
      )
      .toContain("required");
    await dialog.getByLabel("Value").fill("100");
    await dialog.getByRole("button", { name: "Apply filter" }).click();
    await waitForRows(["Dana Ortiz"]);
    await page.getByRole("button", { name: "Remove filter Balance at least 100" }).click();
    await waitForRows(await namesByName());
  });

  it("exports the list as filtered to a CSV, following its progress to the download", async () => {
    await page.goto("/contacts");
    await page.locator(".contacts-table tbody tr").first().waitFor();
    await page.getByLabel("Filter by tag").selectOption("wholesale");
    await waitForRows(["Dana Ortiz"]);
    await page.getByRole("button", { name: "Export CSV" }).click();
    const dialog = page.getByRole("dialog", { name: "Export contacts" });
    const download = dialog.getByRole("link", { name: "Download CSV" });
    await download.waitFor({ timeout: 15_000 });
    await expect(dialog.getByRole("progressbar").getAttribute("aria-valuenow")).resolves.toBe(
      "100",
    );
    await expect(dialog.textContent()).resolves.toContain("Rows written: 1 of 1");
    await expectAccessible(page, "the export dialog", "dialog");
    await screenshot(page, "contacts-export");
    const href = (await download.getAttribute("href")) ?? "";
    const file = await page.request.get(href);
    expect(file.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = (await file.text()).trim().split("\r\n");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain("Dana Ortiz");
    expect(lines[1]).toContain("wholesale");
    await dialog.getByRole("button", { name: "Close" }).last().click();
    await page.getByLabel("Filter by tag").selectOption("");
  });

  it("creates a contact, showing the phone's error beside the phone field", async () => {
    await page.getByRole("button", { name: "New contact" }).first().click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Frank Ocean");
    await dialog.getByLabel("Phone").fill("12");
    await dialog.getByRole("button", { name: "Create" }).click();
    const phoneField = dialog.locator(".field", { has: page.getByLabel("Phone") });
    await phoneField.locator(".field-error").waitFor();
    await expect(phoneField.locator(".field-error").textContent()).resolves.toContain(
      "Enter a valid phone number",
    );
    await expect(dialog.getByLabel("Phone").getAttribute("aria-invalid")).resolves.toBe("true");
    await screenshot(page, "contacts-new-error");
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "contacts-new-error");
    await page.setViewportSize(VIEWPORTS.laptop);
    await dialog.getByLabel("Phone").fill("+34 600 000 001");
    await dialog.getByRole("button", { name: "Create" }).click();
    await page.getByRole("heading", { level: 1, name: "Frank Ocean" }).waitFor();
    expect(page.url()).toMatch(/\/contacts\/ct_/);
    const phone = page.locator(".kv-row", { hasText: "Phone" }).getByRole("link");
    await expect.poll(() => phone.textContent(), { timeout: 15_000 }).toBe("+34 600 00 00 01");
    await expect
      .poll(() => phone.getAttribute("href"), { timeout: 15_000 })
      .toBe("tel:+34600000001");
    await page.getByRole("button", { name: "Edit Phone" }).click();
    await expect
      .poll(() => page.getByLabel("Phone").inputValue(), { timeout: 15_000 })
      .toBe("+34600000001");
    await page.getByRole("button", { name: "Cancel" }).click();
  });

  it("edits fields in place, tags and untags, then deletes after confirming", async () => {
    await page.getByRole("button", { name: "Edit Balance" }).click();
    await page.getByLabel("Balance").fill("250.5");
    await page.getByRole("button", { name: "Save" }).click();
    const balance = page.locator(".kv-row", { hasText: "Balance" });
    await balance.locator("dd", { hasText: "250.5" }).waitFor();

    await page.getByRole("button", { name: "Edit Plan" }).click();
    await page.getByLabel("Plan").selectOption("gold");
    await page.getByRole("button", { name: "Save" }).click();
    await page.locator(".kv-row", { hasText: "Plan" }).locator("dd", { hasText: "gold" }).waitFor();

    await page.getByRole("button", { name: "Edit Email" }).click();
    await page.getByLabel("Email").fill("dana@example.com");
    await page.getByRole("button", { name: "Save" }).click();
    const emailError = page.locator("form.kv-row .field-error");
    await emailError.waitFor();
    await expect(emailError.textContent()).resolves.toContain("Another contact already has this");
    await page.getByRole("button", { name: "Cancel" }).click();

    await page.getByRole("switch", { name: /Newsletter/ }).click();
    await page
      .getByRole("switch", { name: /Newsletter/ })
      .and(page.locator("[aria-checked=true]"))
      .waitFor();

    await page.getByLabel("Add a tag").fill("early-adopter");
    await page.getByRole("button", { name: "Add", exact: true }).click();
    const tag = page.getByRole("button", { name: "Remove tag early-adopter" });
    await tag.waitFor();
    await page.getByLabel("Consent for SMS").selectOption("opted_in");
    await page
      .locator(".consent-list li", { hasText: "SMS" })
      .getByText("set by an agent", { exact: false })
      .waitFor();
    await screenshot(page, "contact-page-edited");
    await tag.click();
    await tag.waitFor({ state: "detached" });

    const stored = (await call(
      "GET",
      page.url().replace(/.*\/contacts\//, "/api/v1/contacts/"),
    )) as {
      custom_fields: Record<string, unknown>;
      tags: string[];
      consent: Record<string, { status: string }>;
    };
    expect(stored.custom_fields).toEqual({ balance: 250.5, plan: "gold", newsletter: true });
    expect(stored.tags).toEqual([]);
    expect(stored.consent.sms?.status).toBe("opted_in");

    await page.getByRole("button", { name: "Delete" }).click();
    const confirm = page.getByRole("dialog");
    await confirm.getByText("Delete “Frank Ocean”?").waitFor();
    await confirm.getByRole("button", { name: "Delete" }).click();
    await page.waitForURL(/\/contacts$/);
    await page.getByRole("searchbox").fill("Frank");
    await page.getByText("No contacts match").waitFor();
  });

  it("shows a contact's conversations with a link to each, on a laptop and a phone", async () => {
    await page.getByRole("searchbox").fill("Vera");
    await waitForRows(["Vera Lind"]);
    await page.locator(".contacts-table").getByRole("link", { name: "Vera Lind" }).click();
    const conversation = page.locator(".contact-conversation");
    await conversation.waitFor();
    await expect
      .poll(() => conversation.textContent(), { timeout: 15_000 })
      .toContain("Hello, is my order on its way?");
    await expect
      .poll(() => conversation.getAttribute("href"), { timeout: 15_000 })
      .toBe(`/c/${visitorConversation}`);
    await expect.poll(() => conversation.textContent(), { timeout: 15_000 }).toContain("Open");
    await screenshot(page, "contact-page");
    await expectAccessible(page, "a contact's page");

    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "contact-page");
    await expectAccessible(page, "a contact's page on a phone");
    await page.goto("/contacts");
    await page.locator(".contact-cards li").first().waitFor();
    expect(await page.locator(".contacts-table").isVisible()).toBe(false);
    await screenshot(page, "contacts-list");
    await expectAccessible(page, "the contacts list on a phone");
    await page.locator(".contact-cards").getByText("Dana Ortiz").click();
    await page.getByRole("heading", { level: 1, name: "Dana Ortiz" }).waitFor();

    await conversationLinkOpens();
  });
});

/** The contact's conversation link leads into the inbox. */
async function conversationLinkOpens() {
  await page.setViewportSize(VIEWPORTS.laptop);
  await page.goto(`/contacts`);
  await page.getByRole("searchbox").fill("Vera");
  await waitForRows(["Vera Lind"]);
  await page.locator(".contacts-table").getByRole("link", { name: "Vera Lind" }).click();
  await page.locator(".contact-conversation").click();
  await page.waitForURL((url) => url.pathname === `/c/${visitorConversation}`);
}
