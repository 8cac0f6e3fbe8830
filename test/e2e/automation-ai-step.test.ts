import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import { callAs, type LocalConversa, lookAtBothSizes, signedInSession, VIEWPORTS } from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  ({ server, browser, page } = await signedInSession(8929, { fakePlatformsUrl: fake.url }));
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

const lookAt = (name: string) => lookAtBothSizes(page, name, "#main");

const aiStep = () => page.getByRole("region", { name: "Step 1: AI step" });

describe("the AI step in the automation editor", () => {
  let automationId = "";

  it("classifies with the workspace's categories, refusing too few, and saves the output's name", async () => {
    await page.goto("/automations/new");
    await page.getByRole("heading", { name: "New automation", level: 1 }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Sort by topic");
    await page.getByRole("button", { name: "Add step", exact: true }).click();
    await page.getByRole("menuitem", { name: "AI step", exact: true }).click();

    const step = aiStep();
    await expect(step.getByLabel("What the AI does").inputValue()).resolves.toBe("classify");
    const categories = step.getByLabel("Categories");
    await categories.fill("Billing");
    await categories.press("Enter");
    await page.getByRole("button", { name: "Create automation" }).click();
    await step.getByRole("alert").first().waitFor();
    expect(page.url()).toMatch(/\/automations\/new$/);

    await categories.fill("Shipping");
    await categories.press("Enter");
    await step.getByRole("checkbox", { name: /conversation label/ }).check();
    await step.getByLabel("Save the result as").fill("intent");
    await step.getByText("Later steps read {{vars.NAME.category}}").waitFor();
    await step.getByLabel("When this step fails").selectOption("continue");
    await page.getByRole("button", { name: "Create automation" }).click();
    await page.waitForURL(/\/automations\/aut_[^/]+$/);
    automationId = page.url().split("/").at(-1) as string;
    const saved = await call<{ steps: Record<string, unknown>[] }>(
      "GET",
      `/api/v1/automations/${automationId}`,
    );
    expect(saved.steps).toEqual([
      expect.objectContaining({
        type: "ai",
        task: "classify",
        categories: ["Billing", "Shipping"],
        label: true,
        save_as: "intent",
        on_error: "continue",
      }),
    ]);
    await page.getByRole("button", { name: "Activate" }).click();
    await page.locator(".page-head .badge", { hasText: "Active" }).waitFor();
    await aiStep().getByLabel("Categories").scrollIntoViewIfNeeded();
    await lookAt("automation-ai-step");
  });

  it("labels a visitor's message and shows the category in the run log", async () => {
    const visitor = await browser.newPage({ viewport: VIEWPORTS.laptop });
    await visitor.goto(`${server.base}/demo`);
    await visitor.locator("#conversa-widget button[aria-label=Chat]").click();
    await visitor.locator("#conversa-widget button.send:not([disabled])").waitFor();
    const composer = visitor.locator("#conversa-widget input[aria-label=Message]");
    await composer.fill("My billing is wrong this month");
    await composer.press("Enter");
    await visitor.close();

    const runs = async () =>
      (
        await call<{ data: { status: string; conversation_id: string }[] }>(
          "GET",
          `/api/v1/automations/${automationId}/runs`,
        )
      ).data;
    await expect
      .poll(async () => (await runs()).map((r) => r.status), { timeout: 20_000 })
      .toEqual(["completed"]);
    const [run] = await runs();
    const conversation = await call<{ labels: string[] }>(
      "GET",
      `/api/v1/conversations/${run?.conversation_id}`,
    );
    expect(conversation.labels).toEqual(["billing"]);

    await page.goto(`/automations/${automationId}/runs`);
    const row = page.locator(".run-row").first();
    await row.waitFor({ timeout: 15_000 });
    await row.getByRole("button", { expanded: false }).click();
    const stepRow = row.locator(".run-step", { hasText: "AI step" });
    await stepRow.getByText("Done").waitFor();
    await stepRow.locator(".run-result", { hasText: "Billing · 90%" }).waitFor();
    await lookAt("automation-ai-run-log");
  });
});
