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

/** A plan field and four contacts: two VIPs on gold, a VIP on free and a gold without the tag. */
async function seed() {
  await call("POST", "/api/v1/contact-fields", {
    key: "plan",
    label: "Plan",
    type: "select",
    options: ["free", "gold"],
  });
  for (const [name, tags, plan] of [
    ["Gold Vip One", ["vip"], "gold"],
    ["Gold Vip Two", ["vip", "wholesale"], "gold"],
    ["Free Vip", ["vip"], "free"],
    ["Gold Plain", [], "gold"],
  ] as const)
    await call("POST", "/api/v1/contacts", { name, tags, custom_fields: { plan } });
}

const rowNames = () =>
  page.locator(".contacts-table tbody .contact-name > span:last-child").allTextContents();

const editor = () => page.locator("#segment-form");
const rule = (n: number) => editor().locator(".rule").nth(n);
const count = () => page.getByTestId("segment-count");

beforeAll(async () => {
  server = await startConversa(8981);
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

describe("the segments screen", () => {
  it("builds “tag vip AND plan = gold”, counts it live, saves it and filters the contacts by it", async () => {
    await page.goto("/contacts");
    await page.getByRole("tab", { name: "Segments" }).click();
    await page.waitForURL("**/contacts/segments");
    await page.getByRole("heading", { name: "No segments yet" }).waitFor();
    await page.getByRole("button", { name: "New segment" }).first().click();
    await page.waitForURL("**/contacts/segments/new");

    await editor().getByRole("button", { name: "Add condition group" }).click();
    await rule(0).getByLabel("Tags", { exact: true }).fill("vip");
    await rule(0).getByLabel("Tags", { exact: true }).press("Enter");
    const vips = (await call("GET", "/api/v1/contacts?tag=vip&limit=100")) as { total?: number };
    await expect
      .poll(() => count().textContent(), { timeout: 15_000 })
      .toBe(`${vips.total} contacts`);

    await editor().getByRole("button", { name: "Add rule" }).click();
    await rule(1).getByLabel("Rule", { exact: true }).selectOption({ label: "Contact field" });
    await rule(1).getByLabel("Field", { exact: true }).selectOption({ label: "Plan" });
    await rule(1).getByLabel("Condition", { exact: true }).selectOption({ label: "is" });
    await rule(1).getByLabel("Value", { exact: true }).selectOption("gold");
    await expect.poll(() => count().textContent(), { timeout: 15_000 }).toBe("2 contacts");
    const sample = page.locator(".segment-sample");
    await expect(sample.textContent()).resolves.toContain("Gold Vip One");
    await expect(sample.textContent()).resolves.toContain("Gold Vip Two");
    await expect(sample.textContent()).resolves.not.toContain("Free Vip");

    // the API's objection shows beside its field, and nothing is saved
    await page.getByRole("button", { name: "Create segment" }).click();
    const nameField = editor().locator(".field", { has: page.getByLabel("Name") });
    await expect
      .poll(() => nameField.locator(".field-error").textContent(), { timeout: 15_000 })
      .toContain("required");
    await expect(call("GET", "/api/v1/segments")).resolves.toEqual({ data: [] });
    await screenshot(page, "segments-editor");
    await expectAccessible(page, "the segment editor");

    await editor().getByLabel("Name").fill("VIP gold");
    await page.getByRole("button", { name: "Create segment" }).click();
    await page.waitForURL(/\/contacts\/segments\/seg_/);
    await page.getByRole("heading", { level: 1, name: "VIP gold" }).waitFor();
    const saved = (await call("GET", "/api/v1/segments")) as {
      data: { name: string; rules: unknown }[];
    };
    expect(saved.data).toMatchObject([
      {
        name: "VIP gold",
        rules: {
          groups: [
            {
              rules: [
                { type: "tag", operator: "has_any", tags: ["vip"] },
                { type: "field", field: "plan", operator: "eq", value: "gold" },
              ],
            },
          ],
        },
      },
    ]);

    await page.setViewportSize(VIEWPORTS.phone);
    await expect.poll(() => count().textContent(), { timeout: 15_000 }).toBe("2 contacts");
    await screenshot(page, "segments-editor");
    await page.setViewportSize(VIEWPORTS.laptop);

    await page.getByRole("link", { name: "Segments", exact: true }).click();
    const row = page.locator(".table tbody tr", { hasText: "VIP gold" });
    await expect.poll(() => row.locator("td").nth(2).textContent(), { timeout: 15_000 }).toBe("2");
    await screenshot(page, "segments-list");
    await expectAccessible(page, "the segments list");

    await page.getByRole("tab", { name: "All contacts" }).click();
    await page.waitForURL(/\/contacts$/);
    await page.getByLabel("Filter by segment").selectOption({ label: "VIP gold" });
    await expect
      .poll(async () => (await rowNames()).map((n) => n.trim()).sort(), { timeout: 15_000 })
      .toEqual(["Gold Vip One", "Gold Vip Two"]);
    await screenshot(page, "segments-contacts-filtered");
  });

  it("saves the contacts list's tag and field filters as a segment", async () => {
    await page.goto("/contacts");
    await page.getByLabel("Filter by tag").selectOption("wholesale");
    await page.getByRole("button", { name: "Save as segment" }).click();
    await page.waitForURL("**/contacts/segments/new?**");
    await expect
      .poll(() => rule(0).getByLabel("Tags", { exact: true }).inputValue(), { timeout: 15_000 })
      .toBe("");
    await rule(0).getByText("wholesale").waitFor();
    await expect.poll(() => count().textContent(), { timeout: 15_000 }).toBe("1 contact");
  });

  it("renames and deletes a segment after confirming", async () => {
    await page.goto("/contacts/segments");
    await page.getByRole("button", { name: "Edit VIP gold" }).click();
    await editor().getByLabel("Name").fill("Gold VIPs");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Gold VIPs" }).waitFor();

    await page.goto("/contacts/segments");
    await page.getByRole("button", { name: "Delete Gold VIPs" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete" }).click();
    await page.getByRole("heading", { name: "No segments yet" }).waitFor();
    await expect(call("GET", "/api/v1/segments")).resolves.toEqual({ data: [] });
  });

  it("shows the API's objection to a rule beside that rule's input", async () => {
    await page.goto("/contacts/segments/new");
    await editor().getByRole("button", { name: "Add condition group" }).click();
    await rule(0).getByLabel("Rule", { exact: true }).selectOption({ label: "Timezone" });
    const zones = rule(0).getByLabel("Timezones", { exact: true });
    await zones.fill("Mars/Olympus");
    await zones.press("Enter");
    const field = rule(0).locator(".field", {
      has: page.getByLabel("Timezones", { exact: true }),
    });
    await expect.poll(() => field.locator(".field-error").count(), { timeout: 15_000 }).toBe(1);
    await expect(count().textContent()).resolves.toBe(
      "Fix the rules marked in red to see a count.",
    );
    await rule(0).getByRole("button", { name: "Remove Mars/Olympus" }).click();
    await zones.fill("Europe/Madrid");
    await zones.press("Enter");
    await expect.poll(() => field.locator(".field-error").count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => count().textContent(), { timeout: 15_000 }).toMatch(/^\d+ contacts?$/);
  });

  it("reads right to left in Arabic", async () => {
    const context = await browser.newContext({
      baseURL: server.base,
      viewport: VIEWPORTS.laptop,
      locale: "ar",
    });
    const arabic = await context.newPage();
    await signIn(arabic, server.base);
    await arabic.goto("/contacts/segments/new");
    await arabic.getByRole("button", { name: "إضافة مجموعة شروط" }).click();
    await arabic.getByLabel("الوسوم", { exact: true }).fill("vip");
    await arabic.getByLabel("الوسوم", { exact: true }).press("Enter");
    await arabic.locator(".segment-sample").waitFor();
    await expect(arabic.locator("html").getAttribute("dir")).resolves.toBe("rtl");
    const form = await arabic.locator("#segment-form").boundingBox();
    const preview = await arabic.locator(".segment-preview").boundingBox();
    // the preview sits on the left, after the rules in reading order
    expect(preview?.x ?? 0).toBeLessThan(form?.x ?? 0);
    await screenshot(arabic, "segments-editor-ar");
    await context.close();
  });
});
