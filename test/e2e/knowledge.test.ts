import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import { minimalPdf } from "../knowledge/pdf";
import { type LocalConversa, lookAtBothSizes, signedInSession } from "./browser";

let server: LocalConversa;
let browser: Browser;
let page: Page;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  ({ server, browser, page } = await signedInSession(8971, { fakePlatformsUrl: fake.url }));
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

const dialog = () => page.getByRole("dialog");
const row = (title: string) => page.getByRole("row").filter({ hasText: title });

const lookAt = (name: string) => lookAtBothSizes(page, name, "#main");

describe("the knowledge base screen", () => {
  it("adds text, Q&A and a web page, searches them, shows a refused address and deletes a source", async () => {
    await page.goto("/settings/knowledge");
    await page.getByText("No sources yet").waitFor();

    await page.getByRole("button", { name: "Add source" }).first().click();
    await dialog().getByLabel("Title").fill("Returns policy");
    await dialog()
      .getByLabel("Text", { exact: true })
      .fill("# Returns\n\nYou can return any item within 30 days for a full refund.");
    await lookAt("knowledge-add-text");
    await dialog().getByRole("button", { name: "Add", exact: true }).click();
    await dialog().waitFor({ state: "detached" });
    await expect.poll(() => row("Returns policy").textContent()).toContain("Ready");
    // the demo workspace's AI is on (the fake provider): passages are embedded as they are added
    expect(await row("Returns policy").textContent()).toContain("Found by meaning too");

    await page.getByRole("button", { name: "Add source" }).click();
    await dialog().getByRole("tab", { name: "Q&A" }).click();
    await dialog().getByLabel("Title").fill("Shipping FAQ");
    await dialog().getByLabel("Question 1").fill("Do you ship abroad?");
    await dialog().getByLabel("Answer").fill("Yes, to every country in Europe.");
    await dialog().getByRole("button", { name: "Add a question" }).click();
    await dialog().getByRole("textbox", { name: "Question 2" }).fill("How much is shipping?");
    await dialog().getByRole("textbox", { name: "Answer" }).nth(1).fill("Free above 50 euros.");
    await lookAt("knowledge-add-qa");
    await dialog().getByRole("button", { name: "Add", exact: true }).click();
    await dialog().waitFor({ state: "detached" });
    await expect.poll(() => row("Shipping FAQ").textContent()).toContain("2");

    await fetch(`${fake.url}/__fake/script`, {
      method: "POST",
      body: JSON.stringify({
        path: "/kb/e2e/hours",
        status: 200,
        headers: { "content-type": "text/html" },
        text: "<html><head><title>Opening hours</title></head><body><nav>Menu</nav><h1>Opening hours</h1><p>The shop opens at nine every weekday.</p></body></html>",
      }),
    });
    await page.getByRole("button", { name: "Add source" }).click();
    await dialog().getByRole("tab", { name: "Web page" }).click();
    await dialog().getByLabel("Page address").fill("http://10.0.0.1/intranet");
    await dialog().getByRole("button", { name: "Add", exact: true }).click();
    await dialog().locator(".field-error").first().waitFor();
    expect(await dialog().locator(".field-error").first().textContent()).toMatch(/public address/);
    await lookAt("knowledge-add-url-refused");
    await dialog().getByLabel("Page address").fill(`${fake.url}/kb/e2e/hours`);
    await dialog().getByLabel("Read it again").selectOption({ label: "Every day" });
    await dialog().getByRole("button", { name: "Add", exact: true }).click();
    await dialog().waitFor({ state: "detached" });
    await expect.poll(() => row("Opening hours").textContent()).toContain("Ready");

    await page
      .getByRole("searchbox", { name: "Search the knowledge base" })
      .fill("when does the shop open");
    const hits = page.getByRole("list", { name: "Matching passages" });
    await expect.poll(() => hits.locator("li").first().textContent()).toContain("nine");
    expect(await hits.locator("li").first().locator(".badge").textContent()).toBe(
      "Words and meaning",
    );
    expect(await hits.getByRole("link", { name: "Opening hours" }).getAttribute("href")).toBe(
      `${fake.url}/kb/e2e/hours`,
    );
    await lookAt("knowledge");

    await page.getByRole("button", { name: "Add source" }).click();
    await dialog().getByRole("tab", { name: "File" }).click();
    await dialog()
      .locator("input[type=file]")
      .setInputFiles({
        name: "scan.pdf",
        mimeType: "application/pdf",
        buffer: Buffer.from(minimalPdf([null])),
      });
    await dialog().getByRole("button", { name: "Add", exact: true }).click();
    await dialog().waitFor({ state: "detached" });
    await page.getByText("The file could not be indexed").waitFor();
    await expect.poll(() => row("scan.pdf").textContent()).toMatch(/Failed.*looks scanned/);
    await lookAt("knowledge-sources");

    await page.getByRole("button", { name: "Delete Shipping FAQ" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Delete", exact: true }).click();
    await expect.poll(() => row("Shipping FAQ").count()).toBe(0);
  });
});
