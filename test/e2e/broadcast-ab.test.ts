import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakePlatforms } from "../fakes/platforms.mjs";
import {
  callAs,
  expectAccessible,
  type LocalConversa,
  screenshot,
  signedInSession,
  VIEWPORTS,
} from "./browser";

let server: LocalConversa;
let fake: Awaited<ReturnType<typeof startFakePlatforms>>;
let browser: Browser;
let page: Page;

const READERS = 10;

const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

type Message = { id: string; conversation_id: string; status: string | null };
type Recipient = { contact_id: string; status: string; variant: string | null };

async function settled(id: string) {
  for (let tries = 0; tries < 60; tries++) {
    if ((await call<Message>("GET", `/api/v1/messages/${id}`)).status !== "queued") return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`message ${id} stayed queued`);
}

/** Ten Telegram readers the bot has welcomed, all tagged `spring`, in the segment "Spring readers". */
async function seed() {
  const botToken = `${Date.now()}:AAHabtest${Math.floor(Math.random() * 1e9)}`;
  const channel = await call<{ id: string }>("POST", "/api/v1/channels", {
    type: "telegram",
    name: "Telegram offers",
    config: { bot_token: botToken, secret_token: "ab_e2e", api_base_url: fake.url },
  });
  for (let i = 0; i < READERS; i++) {
    const welcome = await call<Message>("POST", "/api/v1/messages", {
      channel_id: channel.id,
      to: { platform_id: `8880${i}`, name: `Reader ${i + 1}` },
      text: "Welcome aboard!",
    });
    await settled(welcome.id);
    const conversation = await call<{ contact: { id: string } }>(
      "GET",
      `/api/v1/conversations/${welcome.conversation_id}`,
    );
    await call("POST", `/api/v1/contacts/${conversation.contact.id}/tags`, { tags: ["spring"] });
  }
  await call("POST", "/api/v1/segments", {
    name: "Spring readers",
    rules: { groups: [{ rules: [{ type: "tag", operator: "has_any", tags: ["spring"] }] }] },
  });
}

/** How many recipients of the broadcast have each status and variant, e.g. {"sent A": 2}. */
async function ledger(id: string) {
  const { data } = await call<{ data: Recipient[] }>(
    "GET",
    `/api/v1/broadcasts/${id}/recipients?limit=100`,
  );
  const counts: Record<string, number> = {};
  for (const r of data) {
    const key = `${r.status} ${r.variant ?? "-"}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

const tile = (name: string) => page.locator(`.stat-tile[data-stat="${name}"] dd`).first();
const variantRow = (key: string) =>
  page.locator(".variant-results tbody tr", { has: page.locator(`td strong:text-is("${key}")`) });
const variant = (key: string) => page.locator(`[data-variant="${key}"]`);

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  ({ server, browser, page } = await signedInSession(8993, { fakePlatformsUrl: fake.url }));
  await seed();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

describe("an A/B test in the broadcast builder and on the broadcast's page", () => {
  it("sends a sample split between A and B, holds the rest, and sends the rest with the picked B", async () => {
    await page.goto("/broadcasts/new");
    await page.getByLabel("Name", { exact: true }).fill("Spring offer");
    await page.getByLabel("Segment", { exact: true }).selectOption({ label: "Spring readers" });
    await expect
      .poll(() => page.getByTestId("segment-count").textContent(), { timeout: 15_000 })
      .toContain("10 contacts");
    await page.getByRole("button", { name: "Next" }).click();

    await page
      .getByLabel("Channel and sender account")
      .selectOption({ label: "Telegram offers · Telegram" });
    await page.getByLabel("Text", { exact: true }).fill("Spring is here: 20 % off everything.");
    await page.getByRole("switch", { name: "A/B test" }).click();
    // the message written so far becomes variant A
    await expect
      .poll(() => variant("A").getByLabel("Text", { exact: true }).inputValue(), {
        timeout: 15_000,
      })
      .toBe("Spring is here: 20 % off everything.");
    await variant("B")
      .getByLabel("Text", { exact: true })
      .fill("Hi {{contact.first_name|there}}, spring sale: 20 % off today only!");
    await expect
      .poll(() => variant("B").getByTestId("message-preview").textContent(), { timeout: 10_000 })
      .toMatch(/^Hi Reader, spring sale: 20 % off today only!$/);

    // a third variant comes and goes; two is the least
    await page.getByRole("button", { name: "Add variant C" }).click();
    await variant("C").waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Add variant D" }).count()).toBe(1);
    await page.getByRole("button", { name: "Remove variant C" }).click();
    await expect.poll(() => variant("C").count()).toBe(0);
    await expect.poll(() => page.getByRole("button", { name: /^Remove variant/ }).count()).toBe(0);

    await page.getByLabel("Sample (% of the audience)").fill("40");
    await expect
      .poll(() => page.getByTestId("sample-summary").textContent())
      .toContain("A and B each go to 20% of 10 contacts: 2 each; the winner goes to the other 6.");

    // clicks cannot pick a winner without click tracking: the step says so and waits
    await page.getByLabel("Winner by").selectOption("clicks");
    await page.getByLabel("Track link clicks").uncheck();
    await page.getByText("Clicks are counted only with “Track link clicks” on").waitFor();
    await expect.poll(() => page.getByRole("button", { name: "Next" }).isDisabled()).toBe(true);
    await page.getByLabel("Track link clicks").check();
    await page.getByLabel("Winner by").selectOption("replies");
    await page.getByLabel("Decide after (hours)").fill("12");
    await page.getByRole("switch", { name: "A/B test" }).scrollIntoViewIfNeeded();
    await screenshot(page, "broadcast-ab-message");
    await expectAccessible(page, "the message step with an A/B test", "#main");
    await page.setViewportSize(VIEWPORTS.phone);
    await page.locator(".split-fields").scrollIntoViewIfNeeded();
    await screenshot(page, "broadcast-ab-message");
    await page.setViewportSize(VIEWPORTS.laptop);

    await page.getByRole("button", { name: "Next" }).click();
    await page.waitForURL(/\/broadcasts\/brd_[^/]+\/edit$/);
    const id = page.url().split("/").at(-2) as string;
    const saved = await call<{
      variants: { key: string; message: { text: string } }[];
      split: unknown;
      track_clicks: boolean;
    }>("GET", `/api/v1/broadcasts/${id}`);
    expect(saved.variants.map((v) => v.key)).toEqual(["A", "B"]);
    expect(saved.variants[1]?.message.text).toContain("spring sale");
    expect(saved.split).toEqual({
      sample_percent: 40,
      winner_by: "replies",
      decide_after_hours: 12,
    });
    expect(saved.track_clicks).toBe(true);

    // the saved draft opens again with its test
    await page.reload();
    await expect
      .poll(() => page.getByLabel("Name", { exact: true }).inputValue(), { timeout: 20_000 })
      .toBe("Spring offer");
    await page.getByRole("button", { name: "Next" }).click();
    await expect
      .poll(() => page.getByRole("switch", { name: "A/B test" }).getAttribute("aria-checked"), {
        timeout: 15_000,
      })
      .toBe("true");
    await expect
      .poll(() => variant("B").getByLabel("Text", { exact: true }).inputValue(), {
        timeout: 15_000,
      })
      .toContain("spring sale");
    await expect
      .poll(() => page.getByLabel("Decide after (hours)").inputValue(), { timeout: 15_000 })
      .toBe("12");
    await page.getByRole("button", { name: "Next" }).click();

    await page.getByLabel("Send now").check();
    await page.getByRole("button", { name: "Next" }).click();
    const review = page.locator(".review-card");
    await expect.poll(() => review.textContent(), { timeout: 15_000 }).toContain("Variant A");
    // the sentence names the counts once the audience is counted
    await expect
      .poll(() => review.textContent(), { timeout: 15_000 })
      .toContain(
        "A and B each go to 20% of 10 contacts: 2 each; the winner goes to the other 6. The winner by replies is picked 12 hours after the start.",
      );
    await screenshot(page, "broadcast-ab-review");
    await expectAccessible(page, "the review of an A/B test", "#main");

    await page.getByRole("button", { name: "Start sending" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "Start sending" }).click();
    await page.waitForURL(`**/broadcasts/${id}`);

    // the sample goes out, split evenly; the other six wait for the winner
    await expect.poll(() => tile("sent").textContent(), { timeout: 60_000 }).toBe("4");
    await expect.poll(() => tile("held").textContent(), { timeout: 15_000 }).toBe("6");
    await expect
      .poll(() => ledger(id), { timeout: 15_000 })
      .toEqual({ "sent A": 2, "sent B": 2, "held -": 6 });
    for (const key of ["A", "B"])
      await expect
        .poll(() => variantRow(key).locator("td").nth(1).textContent(), { timeout: 15_000 })
        .toBe("2");
    await expect
      .poll(() => page.getByTestId("test-sample").textContent(), { timeout: 15_000 })
      .toBe("A and B each go to 20% of 10 contacts: 2 each; the winner goes to the other 6.");
    await expect
      .poll(() => page.getByTestId("test-state").textContent(), { timeout: 15_000 })
      .toMatch(/^The winner by replies is picked on .+, unless you pick one now\.$/);
    await screenshot(page, "broadcast-ab-deciding");
    await expectAccessible(page, "the A/B test deciding", "#main");
    await page.setViewportSize(VIEWPORTS.phone);
    await page.locator(".variant-results").scrollIntoViewIfNeeded();
    await screenshot(page, "broadcast-ab-deciding");
    await page.setViewportSize(VIEWPORTS.laptop);

    await variantRow("B").getByRole("button", { name: "Pick B as winner" }).click();
    const confirm = page.getByRole("dialog");
    await confirm.getByRole("heading", { name: "Send variant B to everyone else?" }).waitFor();
    await expect(confirm.textContent()).resolves.toContain("The 6 contacts still held");
    await confirm.getByRole("button", { name: "Pick B as winner" }).click();

    await expect.poll(() => tile("sent").textContent(), { timeout: 60_000 }).toBe("10");
    await expect.poll(() => ledger(id), { timeout: 15_000 }).toEqual({ "sent A": 2, "sent B": 8 });
    await variantRow("B").getByText("Winner").waitFor();
    await expect.poll(() => variantRow("A").getByText("Winner").count()).toBe(0);
    await expect.poll(() => page.getByRole("button", { name: /as winner$/ }).count()).toBe(0);
    await expect
      .poll(() => page.getByTestId("test-state").textContent(), { timeout: 15_000 })
      .toBe("Variant B won: the held contacts get it.");
    await page.locator(".page-head .badge", { hasText: "Completed" }).waitFor();
    // the recipients list says which variant each got
    const variantCells = page.locator(".recipients-table tbody td:nth-child(3)");
    await expect
      .poll(() => variantCells.allTextContents().then((keys) => keys.sort().join("")), {
        timeout: 15_000,
      })
      .toBe("AABBBBBBBB");
    await screenshot(page, "broadcast-ab-won");
    await expectAccessible(page, "the A/B test's winner", "#main");
    await page.setViewportSize(VIEWPORTS.phone);
    await page.locator(".variant-results").scrollIntoViewIfNeeded();
    await screenshot(page, "broadcast-ab-won");
    await page.setViewportSize(VIEWPORTS.laptop);

    await call("PATCH", "/api/v1/me", { language: "ar" });
    try {
      await page.reload();
      await page.getByRole("heading", { name: "نتائج اختبار A/B" }).waitFor();
      await page.locator(".variant-results").scrollIntoViewIfNeeded();
      await screenshot(page, "broadcast-ab-arabic");
      await expectAccessible(page, "the A/B test's results in Arabic", "#main");
    } finally {
      await call("PATCH", "/api/v1/me", { language: null });
    }
  });
});
