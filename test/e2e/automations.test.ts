import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callAs,
  type LocalConversa,
  lookAtBothSizes,
  screenshot,
  signedInSession,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await signedInSession(8970));
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

/** A JSON call as the signed-in admin. */
const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

const lookAt = (name: string) => lookAtBothSizes(page, name, "#main");

const step = (number: number, title: string) =>
  page.getByRole("region", { name: `Step ${number}: ${title}` });

async function addStep(title: string) {
  await page.getByRole("button", { name: "Add step", exact: true }).click();
  await page.getByRole("menuitem", { name: title, exact: true }).click();
}

/** The message the error beside a control says, through its aria-describedby. */
async function errorOf(control: ReturnType<Page["locator"]>) {
  await expect.poll(() => control.getAttribute("aria-invalid"), { timeout: 15_000 }).toBe("true");
  const describedBy = (await control.getAttribute("aria-describedby")) ?? "";
  return page.locator(`[id="${describedBy.split(" ").at(-1)}"]`).textContent();
}

describe("automations", () => {
  let automationId = "";
  let snippetTitle = "";

  it("lists none at first, with guidance and a way to create one", async () => {
    await page.goto("/automations");
    await page.getByRole("heading", { name: "No automations yet" }).waitFor();
    await expect(
      page.getByRole("link", { name: "Automate" }).getAttribute("aria-current"),
    ).resolves.toBe("page");
    await lookAt("automations-empty");
  });

  it("builds “message contains ‘precio’ → reply with a snippet → tag ‘lead’”, naming a missing team on its step", async () => {
    const snippet = await call<{ id: string; title: string }>("POST", "/api/v1/snippets", {
      shortcut: "precio",
      title: "Price list",
      body: "Hola {{contact.first_name|there}}, our plans start at 10 € a month.",
    });
    snippetTitle = snippet.title;
    const team = await call<{ id: string }>("POST", "/api/v1/teams", { name: "Sales" });

    await page.getByRole("link", { name: "New automation" }).click();
    await page.getByRole("heading", { name: "New automation", level: 1 }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Price enquiries");
    const keywords = page.getByLabel("Keywords (optional)");
    await keywords.fill("precio");
    await keywords.press("Enter");
    await page.getByText("When a message contains “precio”").waitFor();

    await addStep("Send a message");
    await step(1, "Send a message").getByLabel("Reply with").selectOption({ label: "Snippet" });
    await step(1, "Send a message")
      .getByLabel("Snippet", { exact: true })
      .selectOption({ label: `/precio · ${snippetTitle}` });
    await addStep("Add a tag");
    await step(2, "Add a tag").getByLabel("Tag").fill("lead");
    await addStep("Assign");
    await step(3, "Assign").getByLabel("Team").selectOption({ label: "Sales" });

    // the team goes away before the automation is saved: the API names steps.2.team_id
    await call("DELETE", `/api/v1/teams/${team.id}`);
    await page.getByRole("button", { name: "Create automation" }).click();
    const teamSelect = step(3, "Assign").getByLabel("Team");
    await expect(errorOf(teamSelect)).resolves.toBe("no such team");
    await expect(step(1, "Send a message").getByRole("alert").count()).resolves.toBe(0);
    expect(page.url()).toMatch(/\/automations\/new$/);
    await teamSelect.scrollIntoViewIfNeeded();
    await lookAt("automation-editor-error");

    // moving the assign step up by keyboard, then removing it
    await step(3, "Assign").getByRole("button", { name: "Move step 3 up" }).click();
    await step(2, "Assign").waitFor();
    // the moved step's button takes the focus on the next frame
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute("aria-label")))
      .toBe("Move step 2 up");
    await step(2, "Assign").getByRole("button", { name: "Remove step 2" }).click();
    await step(2, "Add a tag").waitFor();

    await page.getByRole("button", { name: "Create automation" }).click();
    await page.waitForURL(/\/automations\/aut_[^/]+$/);
    automationId = page.url().split("/").at(-1) as string;
    await page.getByRole("heading", { name: /Price enquiries/, level: 1 }).waitFor();
    const saved = await call<{
      steps: { type: string; snippet_id?: string; tag?: string }[];
      trigger: unknown;
    }>("GET", `/api/v1/automations/${automationId}`);
    expect(saved.trigger).toEqual({
      type: "message.received",
      keywords: ["precio"],
      match: "word",
    });
    expect(saved.steps.map((s) => [s.type, s.snippet_id ?? s.tag])).toEqual([
      ["send_message", snippet.id],
      ["add_tag", "lead"],
    ]);

    await page.getByRole("button", { name: "Activate" }).click();
    await page.locator(".page-head .badge", { hasText: "Active" }).waitFor();
    await lookAt("automation-editor");
  });

  it("asks before leaving with unsaved changes", async () => {
    await page.getByLabel("Name", { exact: true }).fill("Price enquiries (draft)");
    await page.getByText("Unsaved changes").waitFor();
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Contacts" })
      .click();
    const dialog = page.getByRole("dialog");
    await dialog.getByRole("heading", { name: "Leave without saving?" }).waitFor();
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(page.url()).toContain(`/automations/${automationId}`);
    await page.getByLabel("Name", { exact: true }).fill("Price enquiries");
    await expect.poll(() => page.getByText("Unsaved changes").count()).toBe(0);
  });

  it("answers a visitor's “precio” typed in the web chat with the snippet, tags them ‘lead’ and shows the run in the run log", async () => {
    const visitor = await browser.newPage({ viewport: VIEWPORTS.laptop });
    await visitor.goto(`${server.base}/demo`);
    await visitor.locator("#conversa-widget button[aria-label=Chat]").click();
    await visitor.locator("#conversa-widget button.send:not([disabled])").waitFor();
    const composer = visitor.locator("#conversa-widget input[aria-label=Message]");
    await composer.fill("¿Cuál es el PRECIO?");
    await composer.press("Enter");
    const reply = visitor.locator("#conversa-widget .msg.them", {
      hasText: "our plans start at 10 € a month",
    });
    await reply.waitFor({ timeout: 20_000 });
    await screenshot(visitor, "automation-widget-reply");
    await visitor.close();

    const runs = await call<{
      data: { status: string; contact_id: string; conversation_id: string }[];
    }>("GET", `/api/v1/automations/${automationId}/runs`);
    expect(runs.data.map((r) => r.status)).toEqual(["completed"]);
    const contactId = runs.data[0]?.contact_id ?? "";
    const contact = await call<{ tags: string[]; name: string }>(
      "GET",
      `/api/v1/contacts/${contactId}`,
    );
    expect(contact.tags).toEqual(["lead"]);

    // the conversation's timeline says what the automation did there
    const conversationId = runs.data[0]?.conversation_id ?? "";
    await page.goto(`/c/${conversationId}`);
    const lines = page.locator('.event-line[data-event="automation"]');
    await lines.filter({ hasText: "Automation “Price enquiries” replied" }).waitFor();
    await lines.filter({ hasText: "Automation “Price enquiries” tagged lead" }).waitFor();
    await screenshot(page, "automation-timeline");
    await page.goto(`/automations/${automationId}`);
    await page.getByRole("heading", { name: /Price enquiries/, level: 1 }).waitFor();

    await page.getByRole("link", { name: "Run log" }).click();
    await page.getByRole("heading", { name: /Run log/, level: 1 }).waitFor();
    await expect.poll(() => page.locator(".run-row").count(), { timeout: 15_000 }).toBe(1);
    const row = page.locator(".run-row").first();
    await row.getByText(contact.name).waitFor();
    await row.getByRole("button", { expanded: false }).click();
    await row.locator(".run-step", { hasText: "Send a message" }).getByText("Done").waitFor();
    await row.locator(".run-step", { hasText: "Add a tag" }).getByText("Done").waitFor();
    await page.getByLabel("Status").selectOption({ label: "Failed" });
    await page.getByText("No run matches these filters.").waitFor();
    await page.getByLabel("Status").selectOption({ label: "Completed" });
    await row.getByText(contact.name).waitFor();
    await row.getByRole("button", { expanded: false }).click();
    await row.locator(".run-step").first().waitFor();
    await lookAt("automation-run-log");
  });

  it("pauses, duplicates and deletes from the list", async () => {
    await page
      .getByRole("navigation", { name: "Main" })
      .getByRole("link", { name: "Automate" })
      .click();
    const row = page.locator(`[data-automation="${automationId}"]`);
    await row.getByText("When a message contains “precio”").waitFor();
    await row.locator(".badge", { hasText: "Active" }).waitFor();
    await expect
      .poll(() => row.locator(".stats-line dd").first().textContent(), { timeout: 15_000 })
      .toBe("1");
    await lookAt("automations-list");

    await row.getByRole("button", { name: "Actions for Price enquiries" }).click();
    await page.getByRole("menuitem", { name: "Pause" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("Contacts already going through it finish").waitFor();
    await dialog.getByRole("checkbox", { name: /Stop contacts already going through it/ }).check();
    await screenshot(page, "automations-pause");
    await dialog.getByRole("button", { name: "Pause" }).click();
    await row.locator(".badge", { hasText: "Paused" }).waitFor();

    await row.getByRole("button", { name: "Actions for Price enquiries" }).click();
    await page.getByRole("menuitem", { name: "Duplicate" }).click();
    const copy = page
      .locator(".automation-row")
      .filter({ hasNot: page.locator(`[data-automation="${automationId}"]`) });
    await expect.poll(() => page.locator(".automation-row").count(), { timeout: 15_000 }).toBe(2);
    const copyId = await page.locator(".automation-row").first().getAttribute("data-automation");
    expect(copyId).not.toBe(automationId);
    const copyName =
      (await page.locator(".automation-row").first().locator(".automation-name").textContent()) ??
      "";
    await copy.first().locator(".badge", { hasText: "Draft" }).waitFor();

    await page
      .locator(`[data-automation="${copyId}"]`)
      .getByRole("button", { name: `Actions for ${copyName}` })
      .click();
    await page.getByRole("menuitem", { name: "Delete" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
    await expect.poll(() => page.locator(".automation-row").count(), { timeout: 15_000 }).toBe(1);
    const left = await call<{ data: { id: string }[] }>("GET", "/api/v1/automations");
    expect(left.data.map((a) => a.id)).toEqual([automationId]);
  });
});
