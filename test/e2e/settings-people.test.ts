import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import {
  expectAccessible,
  type LocalConversa,
  launchBrowser,
  lookAtBothSizes,
  screenshot,
  signIn,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  server = await startConversa(8949);
  browser = await launchBrowser();
  // axe needs a page of its own context
  const context = await browser.newContext({ viewport: VIEWPORTS.laptop, baseURL: server.base });
  page = await context.newPage();
  await signIn(page, server.base);
}, 400_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

async function open(screen: string, heading: string) {
  await page.goto(`${server.base}/settings/${screen}`);
  await page
    .getByRole("heading", { level: 1, name: heading })
    .waitFor()
    .catch(async (error) => {
      await page.screenshot({ path: `test-results/debug-${screen}.png` });
      throw error;
    });
}

/** The field labelled `label`, in the open dialog or the page; its error shows inside it. */
const fieldError = (scope: Page | Locator, label: string) =>
  scope.locator(".field").filter({ has: page.locator(`label:text-is("${label}")`) });

const lookAt = (name: string) => lookAtBothSizes(page, name);

const confirmDialog = () => page.locator("dialog[open]").last();

async function confirm() {
  await confirmDialog().locator(".dialog-foot button").last().click();
  await confirmDialog()
    .waitFor({ state: "detached" })
    .catch(() => {});
}

const row = (text: string) => page.locator("table tbody tr", { hasText: text });

describe("the people settings screens", () => {
  it("business hours: create with two intervals and a holiday, field errors, edit, delete", async () => {
    await open("business-hours", "Business hours");
    await page.locator(".empty-state").waitFor();
    await page.getByRole("button", { name: "New schedule" }).click();
    const drawer = page.locator("dialog[open]");
    // closing before opening is refused beside Monday's closing time
    await drawer.getByLabel("Monday closes at").fill("08:00");
    await drawer.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => fieldError(drawer, "Name").locator(".field-error").textContent(), {
        timeout: 15_000,
      })
      .toBe("This field is required");
    await expect
      .poll(() => drawer.locator(".day-row[data-day='1'] .field-error").textContent(), {
        timeout: 15_000,
      })
      .toBe("Closing must be after opening");
    await expectAccessible(page, "business hours drawer with errors");

    await drawer.getByLabel("Name").fill("Madrid office");
    await drawer.getByLabel("Monday closes at").fill("13:00");
    await drawer
      .locator(".day-row[data-day='1']")
      .getByRole("button", { name: "Add hours" })
      .click();
    await drawer.getByLabel("Monday closes at").nth(1).fill("18:00");
    await drawer.getByRole("combobox", { name: "Time zone" }).fill("Madrid");
    await drawer.getByRole("option", { name: /Europe\/Madrid/ }).click();
    await drawer.getByRole("button", { name: "Add a holiday" }).click();
    await drawer.locator("[data-closure='0']").getByLabel("Name").fill("Christmas");
    await drawer.locator("[data-closure='0']").getByLabel("From").fill("2030-12-24");
    await drawer.locator("[data-closure='0']").getByLabel("To").fill("2030-12-26");
    await screenshot(page, "settings-business-hours-drawer");
    await drawer.getByRole("button", { name: "Save" }).click();
    await row("Madrid office").waitFor();
    await expect(row("Madrid office").textContent()).resolves.toContain("13:00");
    await expect(row("Madrid office").textContent()).resolves.toContain("1 holiday");
    await lookAt("settings-business-hours");

    await page.getByRole("button", { name: "Edit Madrid office" }).click();
    await expect
      .poll(() => drawer.locator("[data-closure='0']").getByLabel("Name").inputValue(), {
        timeout: 15_000,
      })
      .toBe("Christmas");
    await drawer.getByLabel("Name").first().fill("Madrid HQ");
    await drawer.getByRole("button", { name: "Save" }).click();
    await row("Madrid HQ").waitFor();

    await page.getByRole("button", { name: "Delete Madrid HQ" }).click();
    await confirm();
    await page.locator(".empty-state").waitFor();
  });

  it("teams: create with a member, field error, edit, delete", async () => {
    await page.request.post("/api/v1/business-hours", {
      headers: { origin: server.base },
      data: { name: "Lisbon", timezone: "Europe/Lisbon", weekly: [] },
    });
    await open("teams", "Teams");
    await page.getByRole("button", { name: "New team" }).click();
    const drawer = page.locator("dialog[open]");
    await drawer.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => fieldError(drawer, "Name").locator(".field-error").textContent(), {
        timeout: 15_000,
      })
      .toBe("This field is required");
    await drawer.getByLabel("Name", { exact: true }).fill("Escalations");
    await drawer.locator(".member-row", { hasText: "Demo Admin" }).locator("input").check();
    await drawer.getByLabel("Capacity of Demo Admin").fill("7");
    await drawer.getByLabel("Assignment").selectOption("least_busy");
    await drawer.getByLabel("Business hours").selectOption({ label: "Lisbon (Europe/Lisbon)" });
    await drawer.getByLabel("First response target").fill("15");
    await drawer.getByLabel("Away message").fill("We are closed; we answer at 9.");
    await expectAccessible(page, "team drawer");
    await screenshot(page, "settings-teams-drawer");
    await drawer.getByRole("button", { name: "Save" }).click();
    await row("Escalations").waitFor();
    await expect(row("Escalations").textContent()).resolves.toContain("Least busy");
    await expect(row("Escalations").textContent()).resolves.toContain("Lisbon");
    await lookAt("settings-teams");

    await page.getByRole("button", { name: "Edit Escalations" }).click();
    await expect
      .poll(() => drawer.getByLabel("Capacity of Demo Admin").inputValue(), { timeout: 15_000 })
      .toBe("7");
    await drawer.getByLabel("Name", { exact: true }).fill("Tier 2");
    await drawer.getByRole("button", { name: "Save" }).click();
    await row("Tier 2").waitFor();

    await page.getByRole("button", { name: "Delete Tier 2" }).click();
    await confirm();
    await page.locator(".empty-state").waitFor();
  });

  it("users: invite with a copyable link, field error, edit a member, deactivate and reactivate, revoke", async () => {
    await page.request.post("/api/v1/teams", {
      headers: { origin: server.base },
      data: { name: "Billing" },
    });
    await open("users", "Users");
    await page.getByRole("button", { name: "Invite people" }).click();
    const dialog = page.locator("dialog[open]");
    await dialog.getByLabel("Email").fill("not an email");
    await dialog.getByRole("button", { name: "Invite" }).click();
    await expect
      .poll(() => fieldError(dialog, "Email").locator(".field-error").textContent(), {
        timeout: 15_000,
      })
      .toBe("Enter a valid email address");
    await dialog.getByLabel("Email").fill("luis@example.com");
    await dialog.getByLabel("Role").selectOption("supervisor");
    await dialog.getByRole("button", { name: "Invite" }).click();
    const link = await dialog.getByLabel("Invitation link").inputValue();
    expect(link).toMatch(new RegExp(`^${server.base}/invite#.+`));
    await dialog.getByRole("button", { name: "Done" }).click();
    await row("luis@example.com").waitFor();

    // the invitee accepts with the link's token and becomes a member
    const accepted = await fetch(`${server.base}/api/v1/auth/accept-invite`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: server.base },
      body: JSON.stringify({
        token: link.split("#")[1],
        name: "Luis Gómez",
        password: "a long enough password",
      }),
    });
    expect(accepted.status).toBe(200);
    await page.reload();
    await row("Luis Gómez").waitFor();
    await expect(row("Luis Gómez").textContent()).resolves.toContain("Supervisor");

    await page.getByRole("button", { name: "Edit Luis Gómez" }).click();
    await dialog.getByLabel("Capacity").fill("-1");
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => fieldError(dialog, "Capacity").locator(".field-error").textContent(), {
        timeout: 15_000,
      })
      .toBe("Enter a whole number from 0 to 100");
    await dialog.getByLabel("Capacity").fill("9");
    await dialog.getByLabel("Role").selectOption("agent");
    await dialog.getByLabel("Billing").check();
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => row("Luis Gómez").textContent(), { timeout: 15_000 })
      .toContain("Billing");
    await expect
      .poll(() => row("Luis Gómez").textContent(), { timeout: 15_000 })
      .toContain("Agent");
    await expect.poll(() => row("Luis Gómez").textContent(), { timeout: 15_000 }).toContain("9");

    await page.getByRole("button", { name: "Deactivate Luis Gómez" }).click();
    await confirm();
    await expect
      .poll(() => row("Luis Gómez").textContent(), { timeout: 15_000 })
      .toContain("Deactivated");
    await page.getByRole("button", { name: "Reactivate Luis Gómez" }).click();
    await confirm();
    await expect
      .poll(() => row("Luis Gómez").textContent(), { timeout: 15_000 })
      .toContain("Active");

    await page.getByRole("button", { name: "Invite people" }).click();
    await dialog.getByLabel("Email").fill("maya@example.com");
    await dialog.getByRole("button", { name: "Invite" }).click();
    await dialog.getByLabel("Invitation link").waitFor();
    await dialog.getByRole("button", { name: "Done" }).click();
    await row("maya@example.com").waitFor();
    await lookAt("settings-users");
    await page.getByRole("button", { name: "Revoke the invitation of maya@example.com" }).click();
    await confirm();
    await row("maya@example.com").waitFor({ state: "detached" });
  });

  it("general: field error, then name, zone, country and language saved", async () => {
    await open("general", "General");
    const name = page.getByLabel("Workspace name");
    await name.fill("");
    await page.getByRole("button", { name: "Save" }).click();
    await expect
      .poll(() => fieldError(page, "Workspace name").locator(".field-error").textContent(), {
        timeout: 15_000,
      })
      .toBe("This field is required");
    await name.fill("Demo Europe");
    await page.getByRole("combobox", { name: "Time zone" }).fill("Madrid");
    await page.getByRole("option", { name: /Europe\/Madrid/ }).click();
    await page.getByRole("combobox", { name: "Default country" }).fill("Spain");
    await page.getByRole("option", { name: "Spain (ES)" }).click();
    await page.getByLabel("Language", { exact: true }).selectOption("es");
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Workspace settings saved").waitFor();
    const settings = await (await page.request.get("/api/v1/workspace/settings")).json();
    expect(settings).toMatchObject({
      name: "Demo Europe",
      timezone: "Europe/Madrid",
      default_country: "ES",
      language: "es",
    });
    // the workspace's language is now the app's, for a person who chose none
    await expect
      .poll(() => page.locator("html").getAttribute("lang"), { timeout: 15_000 })
      .toBe("es");
    await page.reload();
    await expect
      .poll(() => page.getByLabel("Nombre del espacio de trabajo").inputValue(), {
        timeout: 15_000,
      })
      .toBe("Demo Europe");
    await lookAt("settings-general");
    await page.getByLabel("Idioma", { exact: true }).selectOption("");
    await page.getByRole("button", { name: "Guardar" }).click();
    await expect
      .poll(() => page.locator("html").getAttribute("lang"), { timeout: 15_000 })
      .toBe("en");
  });

  it("profile: password error beside its field; switching to Arabic lays the app out right to left", async () => {
    await open("profile", "Profile");
    await page.getByLabel("Current password", { exact: true }).fill("wrong");
    await page.getByLabel("New password", { exact: true }).fill("a brand new password");
    await page.getByLabel("Repeat the new password").fill("something else");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect
      .poll(
        () => fieldError(page, "Repeat the new password").locator(".field-error").textContent(),
        { timeout: 15_000 },
      )
      .toBe("The two passwords differ");
    await lookAt("settings-profile");

    await page.getByLabel("Name", { exact: true }).fill("Demo Admin");
    await page.getByLabel("Language", { exact: true }).selectOption("ar");
    await page
      .locator("form", { hasText: "Your details" })
      .getByRole("button", { name: "Save" })
      .click();
    await expect
      .poll(() => page.locator("html").getAttribute("dir"), { timeout: 15_000 })
      .toBe("rtl");
    await page.getByRole("heading", { level: 1, name: "الملف الشخصي" }).waitFor();
    await expect(page.locator("html").getAttribute("lang")).resolves.toBe("ar");
    await lookAt("settings-profile-arabic");
    // it stays Arabic after a reload: the choice is the person's
    await page.reload();
    await page.getByRole("heading", { level: 1, name: "الملف الشخصي" }).waitFor();
    await page.getByLabel("اللغة", { exact: true }).selectOption("en");
    await page.locator("form").first().locator("button[type=submit]").click();
    await expect
      .poll(() => page.locator("html").getAttribute("dir"), { timeout: 15_000 })
      .toBe("ltr");
  });
});
