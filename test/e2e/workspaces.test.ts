import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { DEMO_SECOND_WORKSPACE } from "../../scripts/seed.mjs";
import { type LocalConversa, launchBrowser, SHOTS, signIn } from "./browser";

let server: LocalConversa;
let browser: Browser;

beforeAll(async () => {
  server = await startConversa(8934);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

type Me = { workspace: { id: string; name: string }; workspaces: { id: string; name: string }[] };

const me = async (page: Page) => (await (await page.request.get("/api/v1/me")).json()) as Me;

/** An invitation made by the signed-in admin on `page`, for the workspace they are in. */
async function invite(page: Page, email: string) {
  const response = await page.request.post("/api/v1/invitations", {
    data: { email, role: "agent" },
    headers: { origin: server.base },
  });
  expect(response.status()).toBe(201);
  return ((await response.json()) as { token: string }).token;
}

describe("workspaces in the inbox", () => {
  it("switches between the person's workspaces from the views column", async () => {
    const page = await browser.newPage({ baseURL: server.base });
    await signIn(page, server.base);
    const switcher = page.getByRole("combobox", { name: "Workspace" });
    await expect
      .poll(() => switcher.locator("option:checked").textContent(), { timeout: 15_000 })
      .toBe("Demo");
    // the inbox starts afresh in the other workspace
    await Promise.all([
      page.waitForEvent("load"),
      switcher.selectOption({ label: DEMO_SECOND_WORKSPACE }),
    ]);
    await page
      .getByRole("combobox", { name: "Workspace" })
      .locator("option:checked", { hasText: DEMO_SECOND_WORKSPACE })
      .waitFor({ state: "attached" });
    expect((await me(page)).workspace.name).toBe(DEMO_SECOND_WORKSPACE);
    await page.screenshot({ path: `${SHOTS}/inbox-switched-workspace.png` });
  });

  it("lets a newcomer join with a name and password, then join a second workspace with that account", async () => {
    const admin = await browser.newPage({ baseURL: server.base });
    await signIn(admin, server.base);
    const email = `newcomer-${Date.now()}@example.com`;
    const firstToken = await invite(admin, email);

    const newcomer = await browser.newPage({ baseURL: server.base });
    await newcomer.goto(`/invite#${encodeURIComponent(firstToken)}`);
    await newcomer.getByRole("heading", { name: "Join Demo" }).waitFor();
    await newcomer.getByLabel("Your name").fill("Nora Newcomer");
    await newcomer.getByLabel("Choose a password").fill("nora's own password");
    await newcomer.screenshot({ path: `${SHOTS}/invitation-accept.png` });
    await newcomer.getByRole("button", { name: "Create account and join" }).click();
    await newcomer.waitForSelector("nav.rail");
    await newcomer.getByRole("button", { name: "Account menu for Nora Newcomer" }).waitFor();

    // the same email invited to the second workspace: the account exists, so its password is asked
    await admin.request.post("/api/v1/auth/switch-workspace", {
      data: { workspace_id: (await me(admin)).workspaces[1]?.id },
      headers: { origin: server.base },
    });
    const secondToken = await invite(admin, email);
    const again = await browser.newPage({ baseURL: server.base });
    await again.goto(`/invite#${encodeURIComponent(secondToken)}`);
    await again.getByRole("heading", { name: `Join ${DEMO_SECOND_WORKSPACE}` }).waitFor();
    await again.getByLabel("Your name").fill("Somebody Else");
    await again.getByLabel("Choose a password").fill("not nora's password");
    await again.getByRole("button", { name: "Create account and join" }).click();
    await again.getByLabel("Your current password").waitFor();
    await again.getByLabel("Your current password").fill("nora's own password");
    await again.getByRole("button", { name: "Sign in and join" }).click();
    await again.getByRole("combobox", { name: "Workspace" }).waitFor();
    expect((await me(again)).workspaces.map((w) => w.name)).toEqual([
      "Demo",
      DEMO_SECOND_WORKSPACE,
    ]);
    await again.getByRole("button", { name: "Account menu for Nora Newcomer" }).waitFor();
    await again.screenshot({ path: `${SHOTS}/inbox-joined-second-workspace.png` });
  });
});
