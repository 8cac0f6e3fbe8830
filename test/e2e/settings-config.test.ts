import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConversa } from "../../scripts/local-server.mjs";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
  expectAccessible as expectAccessibleWithin,
  type LocalConversa,
  launchBrowser,
  lookAtBothSizes,
  screenshot,
  signIn,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  server = await startConversa(8951, { fakePlatformsUrl: fake.url });
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: VIEWPORTS.laptop, baseURL: server.base });
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
  page = await context.newPage();
  await signIn(page, server.base);
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

/** The settings screen and its dialogs; the shell around it is checked by the shell's tests. */
const expectAccessible = (page: Page, what: string) => expectAccessibleWithin(page, what, "#main");

const lookAt = (name: string) => lookAtBothSizes(page, name);

const dialog = () => page.getByRole("dialog");

/** A visitor of the demo web chat writes; the conversation it opened. */
async function visitorWrites(text: string) {
  const channels = (await (await page.request.get("/api/v1/channels")).json()) as {
    data: { id: string; type: string }[];
  };
  const webchat = channels.data.find((c) => c.type === "webchat");
  const session = (await (
    await fetch(`${server.base}/widget/v1/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ channel_id: webchat?.id }),
    })
  ).json()) as { token: string };
  const sent = await fetch(`${server.base}/widget/v1/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${session.token}` },
    body: JSON.stringify({ text }),
  });
  expect(sent.status).toBe(201);
  return ((await sent.json()) as { conversation_id: string }).conversation_id;
}

async function confirm(button: string) {
  const confirmation = page.getByRole("dialog");
  await confirmation.getByRole("button", { name: button, exact: true }).click();
  await confirmation.waitFor({ state: "detached" });
}

describe("workspace configuration screens", () => {
  it("connects Telegram: a missing token is named beside its field; then edits, checks and disconnects it", async () => {
    await page.goto("/settings/channels");
    await page.getByRole("heading", { name: "Channels", level: 1 }).waitFor();
    await page.locator(".channel-row").first().waitFor();
    await lookAt("settings-channels");

    await page.getByRole("button", { name: "Connect a channel" }).click();
    await expectAccessible(page, "the platform picker");
    await screenshot(page, "settings-channels-connect");
    await dialog()
      .getByRole("button", { name: /Telegram/ })
      .click();
    await dialog().getByLabel("Name").fill("Support bot");
    await dialog()
      .getByLabel(/Webhook secret/)
      .fill("tg_secret_1");
    await dialog()
      .getByLabel(/API base URL/)
      .fill(fake.url);
    await dialog().getByRole("button", { name: "Connect", exact: true }).click();

    const token = dialog().getByLabel("Bot token");
    await expect.poll(() => token.getAttribute("aria-invalid"), { timeout: 15_000 }).toBe("true");
    const describedBy = (await token.getAttribute("aria-describedby")) ?? "";
    const error = page.locator(`[id="${describedBy.split(" ").at(-1)}"]`);
    await expect(error.textContent()).resolves.toBe("This field is required");
    await screenshot(page, "settings-channels-connect-error");

    await token.fill("123456789:AAtesttoken");
    await dialog().getByRole("button", { name: "Connect", exact: true }).click();
    await page.getByRole("heading", { name: "Support bot", level: 1 }).waitFor();
    await page.getByText(/webhooks\/telegram\/ch_/).waitFor();

    await page.getByRole("button", { name: "Check connection" }).click();
    await page.locator(".channel-detail .page-head .badge", { hasText: "Connected" }).waitFor();
    const checks = (await (await fetch(`${fake.url}/__fake/requests?path=/getMe`)).json()) as {
      path: string;
    }[];
    expect(checks.some((r: { path: string }) => r.path.includes("123456789:AAtesttoken"))).toBe(
      true,
    );
    await lookAt("settings-channel-telegram");

    await page.getByLabel("Name", { exact: true }).fill("Telegram support");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("heading", { name: "Telegram support", level: 1 }).waitFor();

    await page.getByRole("tab", { name: "Routing" }).click();
    await page.getByRole("switch", { name: /choose from a menu/ }).waitFor();
    await expectAccessible(page, "channel routing");
    await screenshot(page, "settings-channel-routing");

    await page.getByRole("button", { name: "Disconnect" }).click();
    await confirm("Disconnect");
    await page.getByRole("heading", { name: "Channels", level: 1 }).waitFor();
    // the list has come (the web chat stays) before the disconnected one can be missed
    await page.locator(".channel-row", { hasText: "Web chat" }).first().waitFor();
    await expect
      .poll(() => page.locator(".channel-row", { hasText: "Telegram support" }).count())
      .toBe(0);
  });

  it("changes the web chat's colour in the preview and copies the embed code", async () => {
    await page.goto("/settings/channels");
    await page
      .locator(".channel-row", { hasText: "Web chat" })
      .first()
      .getByRole("button", { name: "Manage" })
      .click();
    const launcher = page.getByTestId("preview-launcher");
    await launcher.waitFor();
    await page.locator("input[name=brand_color]").fill("#e11d48");
    await expect
      .poll(() =>
        launcher.evaluate(
          (el) => el.ownerDocument.defaultView?.getComputedStyle(el).backgroundColor,
        ),
      )
      .toBe("rgb(225, 29, 72)");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByText("Channel saved").waitFor();

    const embed = page.locator('[data-copy="Embed code"]');
    await embed.getByRole("button", { name: "Copy" }).click();
    // the button says so once the clipboard holds the code
    await embed.getByRole("button", { name: "Copied" }).waitFor();
    const copied = await page.evaluate("navigator.clipboard.readText()");
    if (typeof copied !== "string") throw new Error("the clipboard holds no text");
    expect(copied).toMatch(
      new RegExp(`^<script src="${server.base}/widget.js" data-channel="ch_\\w+" async></script>$`),
    );
    const channelId = copied.match(/data-channel="(ch_\w+)"/)?.[1];
    const saved = await page.request.get(`/api/v1/channels/${channelId}`);
    expect(((await saved.json()) as { config: { brand_color: string } }).config.brand_color).toBe(
      "#e11d48",
    );
    await lookAt("settings-channel-webchat");
  });

  it("creates, recolours, renames and deletes a label, saying how many conversations lose it", async () => {
    await page.goto("/settings/labels");
    await page.getByRole("heading", { name: "Labels", level: 1 }).waitFor();
    await page.getByRole("button", { name: "New label" }).first().click();
    await dialog().getByRole("button", { name: "Save" }).click();
    await dialog().getByText("This field is required").waitFor();
    await dialog().getByLabel("Name").fill("Escalation");
    await dialog().getByRole("radio", { name: "Colour 7" }).check();
    await expectAccessible(page, "the label form");
    await dialog().getByRole("button", { name: "Save" }).click();
    await page.getByRole("cell", { name: "escalation", exact: true }).waitFor();

    const conversationId = await visitorWrites("Where is my invoice?");
    const labelled = await page.request.post(`/api/v1/conversations/${conversationId}/labels`, {
      data: { labels: ["escalation"] },
      headers: { origin: server.base },
    });
    expect(labelled.status()).toBe(200);

    await page.reload();
    await page.getByRole("button", { name: "Edit escalation" }).click();
    await dialog().getByLabel("Name").fill("urgent");
    await dialog().getByRole("radio", { name: "Colour 3" }).check();
    await dialog().getByRole("button", { name: "Save" }).click();
    await page.getByRole("cell", { name: "urgent", exact: true }).waitFor();
    const labels = (await (await page.request.get("/api/v1/labels")).json()) as {
      data: { name: string; colour: string; conversation_count: number }[];
    };
    expect(labels.data.find((l) => l.name === "urgent")).toMatchObject({
      colour: "#0e7c66",
      conversation_count: 1,
    });
    await lookAt("settings-labels");

    await page.getByRole("button", { name: "Delete urgent" }).click();
    await dialog().getByText("It is removed from the 1 conversation that carries it").waitFor();
    await confirm("Delete");
    await page.getByRole("cell", { name: "urgent", exact: true }).waitFor({ state: "detached" });
  });

  it("creates, edits and deletes a snippet", async () => {
    await page.goto("/settings/snippets");
    await page.getByRole("heading", { name: "Snippets", level: 1 }).waitFor();
    await page.getByRole("button", { name: "New snippet" }).first().click();
    await dialog().getByLabel("Shortcut").fill("Bad Shortcut");
    await dialog().getByLabel("Title").fill("Refund");
    await dialog().getByLabel("Text").fill("Hi ");
    await dialog().getByRole("button", { name: "{{contact.first_name}}" }).click();
    await expect
      .poll(() => page.getByTestId("snippet-preview").textContent(), { timeout: 15_000 })
      .toBe("Hi Ana");
    await dialog().getByRole("button", { name: "Save" }).click();
    await dialog()
      .getByText(/Use lower-case letters/)
      .waitFor();
    await expectAccessible(page, "the snippet form");
    await screenshot(page, "settings-snippets-form");
    await dialog().getByLabel("Shortcut").fill("refund");
    await dialog().getByRole("button", { name: "Save" }).click();
    await page.getByRole("cell", { name: "/refund", exact: true }).waitFor();

    await page.getByRole("button", { name: "Edit /refund" }).click();
    await dialog().getByLabel("Title").fill("Refund on its way");
    await dialog().getByRole("button", { name: "Save" }).click();
    await page.getByRole("cell", { name: "Refund on its way", exact: true }).waitFor();
    await page.getByLabel("Search snippets").fill("zzz");
    await page.getByText("No snippet matches your search.").waitFor();
    await page.getByLabel("Search snippets").fill("refund");
    await lookAt("settings-snippets");

    await page.getByRole("button", { name: "Delete /refund" }).click();
    await confirm("Delete");
    await page.getByRole("cell", { name: "/refund", exact: true }).waitFor({ state: "detached" });
  });

  it("creates, edits and deletes a contact field", async () => {
    await page.goto("/settings/contact-fields");
    await page.getByRole("heading", { name: "Contact fields", level: 1 }).waitFor();
    await page.getByRole("button", { name: "New field" }).first().click();
    await dialog().getByLabel("Label").fill("Customer tier");
    await expect.poll(() => dialog().getByLabel("Key").inputValue()).toBe("customer_tier");
    await dialog().getByLabel("Type").selectOption("select");
    await dialog().getByRole("button", { name: "Save" }).click();
    await dialog().getByText("Add at least one choice").waitFor();
    await dialog().getByLabel("Choices").fill("Gold");
    await dialog().getByLabel("Choices").press("Enter");
    await dialog().getByRole("button", { name: "Save" }).click();
    await page.getByRole("cell", { name: "customer_tier", exact: true }).waitFor();

    await page.getByRole("button", { name: "Edit Customer tier" }).click();
    await dialog().getByLabel("Label").fill("Tier");
    await dialog().getByRole("button", { name: "Save" }).click();
    await page.getByRole("cell", { name: "Tier", exact: true }).waitFor();
    await lookAt("settings-contact-fields");

    await page.getByRole("button", { name: "Delete Tier" }).click();
    await dialog().getByText("Every contact's value for Tier is removed too").waitFor();
    await confirm("Delete");
    await page
      .getByRole("cell", { name: "customer_tier", exact: true })
      .waitFor({ state: "detached" });
  });

  it("adds, renames, reorders and removes closing reasons and requires a note", async () => {
    await page.goto("/settings/closing-reasons");
    await page.getByRole("heading", { name: "Closing reasons", level: 1 }).waitFor();
    const add = async (reason: string) => {
      await page.getByLabel("New reason").fill(reason);
      await page.getByLabel("New reason").press("Enter");
    };
    await add("Resolved");
    await add("Spam");
    await page.getByLabel("Reason 2").fill("Spam or abuse");
    await page.getByRole("button", { name: "Move Spam or abuse up" }).click();
    await page.getByRole("button", { name: "Save reasons" }).click();
    await page.getByText("Reasons saved").waitFor();
    const settings = async () =>
      (await (await page.request.get("/api/v1/workspace/settings")).json()) as {
        close_reasons: string[];
        require_close_note: boolean;
      };
    expect((await settings()).close_reasons.slice(0, 2)).toEqual(["Spam or abuse", "Resolved"]);

    await page.getByRole("switch", { name: "Require a note to close a conversation" }).click();
    await expect
      .poll(async () => (await settings()).require_close_note, { timeout: 15_000 })
      .toBe(true);
    await lookAt("settings-closing-reasons");

    await page.getByRole("button", { name: "Remove Spam or abuse" }).click();
    await confirm("Remove");
    await page.getByRole("button", { name: "Save reasons" }).click();
    await expect
      .poll(async () => (await settings()).close_reasons, { timeout: 15_000 })
      .not.toContain("Spam or abuse");
  });
});
