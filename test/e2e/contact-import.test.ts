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

// "Contacto" reads like a name, so the phone column is not suggested: the person maps it
const CSV = [
  "Cliente,Contacto,Correo,Notas",
  "Ana Importada,+1 212 555 0147,ana.import@example.com,vip",
  "Bruno Importado,+1 212 555 0148,,",
  "Fila Mala,12,,",
].join("\n");

beforeAll(async () => {
  server = await startConversa(8989);
  browser = await launchBrowser();
  const context = await browser.newContext({ baseURL: server.base, viewport: VIEWPORTS.laptop });
  page = await context.newPage();
  await signIn(page, server.base);
}, 300_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

describe("importing contacts from a CSV", () => {
  it("uploads, fixes the mapping, checks the file, imports and follows the progress to done", async () => {
    await page.goto("/contacts");
    await page.getByRole("button", { name: "Import CSV" }).click();
    const dialog = page.getByRole("dialog", { name: "Import contacts from a CSV file" });
    await dialog.getByLabel("CSV file").setInputFiles({
      name: "clientes.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(CSV),
    });
    const phoneColumn = dialog.getByLabel("What column Contacto becomes");
    await phoneColumn.waitFor();
    await expect(dialog.getByLabel("What column Cliente becomes").inputValue()).resolves.toBe(
      "name",
    );
    await expect(dialog.getByLabel("What column Correo becomes").inputValue()).resolves.toBe(
      "email",
    );
    await expect(phoneColumn.inputValue()).resolves.toBe("");
    await dialog.getByRole("button", { name: "Check the file" }).click();
    // without a phone column, two rows still have no address at all
    const report = dialog.getByTestId("import-report");
    await report.waitFor();
    await expect(report.textContent()).resolves.toContain("No phone or email (2)");
    await dialog.getByRole("button", { name: "Change the mapping" }).click();
    await phoneColumn.selectOption("phone");
    await dialog.getByLabel("Tags for every imported contact").fill("spring fair");
    await dialog.getByRole("button", { name: "Check the file" }).click();
    await expect
      .poll(() => report.textContent(), { timeout: 15_000 })
      .toContain("Invalid phone (1)");
    await expect(report.textContent()).resolves.toContain("New contacts: 2");
    await expectAccessible(page, "the import report", "dialog");
    await screenshot(page, "contacts-import-report");
    await dialog.getByRole("button", { name: "Import" }).click();
    await dialog.getByTestId("import-done").waitFor({ timeout: 30_000 });
    await expect(dialog.getByRole("progressbar").getAttribute("aria-valuenow")).resolves.toBe(
      "100",
    );
    await expect(dialog.getByTestId("import-done").textContent()).resolves.toContain("2 created");
    const errors = dialog.getByRole("link", { name: "Download the refused rows" });
    const file = await page.request.get((await errors.getAttribute("href")) ?? "");
    expect(await file.text()).toContain("Fila Mala");
    await page.keyboard.press("Escape");
    await expect
      .poll(() => page.locator(".contacts-table tbody").textContent(), { timeout: 15_000 })
      .toContain("Ana Importada");
  });
});
