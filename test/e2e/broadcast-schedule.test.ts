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
let botToken: string;
let segmentId: string;
let channelId: string;

const READERS = ["Mira Santos", "Jon Ode", "Ana Reyes"];

const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

type Message = { id: string; conversation_id: string; status: string | null };
type Broadcast = {
  id: string;
  status: string;
  schedule: { recurrence?: { ends?: { at?: string } } } | null;
};

async function eventually(check: () => Promise<boolean>, what: string) {
  for (let tries = 0; tries < 120; tries++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} did not happen`);
}

/** A Telegram bot on the fake platform that has welcomed three readers, tagged `news`. */
async function seed() {
  botToken = `${Date.now()}:AAHschedule${Math.floor(Math.random() * 1e9)}`;
  const channel = await call<{ id: string }>("POST", "/api/v1/channels", {
    type: "telegram",
    name: "Telegram tips",
    config: { bot_token: botToken, secret_token: "schedule_e2e", api_base_url: fake.url },
  });
  channelId = channel.id;
  for (const [i, name] of READERS.entries()) {
    const welcome = await call<Message>("POST", "/api/v1/messages", {
      channel_id: channel.id,
      to: { platform_id: `8880${i}`, name },
      text: "Welcome aboard!",
    });
    await eventually(
      async () =>
        (await call<Message>("GET", `/api/v1/messages/${welcome.id}`)).status !== "queued",
      "the welcome left the queue",
    );
    const conversation = await call<{ contact: { id: string } }>(
      "GET",
      `/api/v1/conversations/${welcome.conversation_id}`,
    );
    await call("POST", `/api/v1/contacts/${conversation.contact.id}/tags`, { tags: ["news"] });
  }
  const segment = await call<{ id: string }>("POST", "/api/v1/segments", {
    name: "Readers",
    rules: { groups: [{ rules: [{ type: "tag", operator: "has_any", tags: ["news"] }] }] },
  });
  segmentId = segment.id;
}

/** The bot's next send is refused for good, as by a reader who blocked it. */
const refuseNextSend = () =>
  fetch(`${fake.url}/__fake/script`, {
    method: "POST",
    body: JSON.stringify({
      path: `/bot${botToken}/sendMessage`,
      status: 403,
      times: 1,
      body: { ok: false, error_code: 403, description: "Forbidden: bot was blocked by the user" },
    }),
  });

/** The builder from its start to the schedule step: name, the Readers segment, a text. */
async function buildUpToSchedule(name: string) {
  await page.goto("/broadcasts/new");
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Segment", { exact: true }).selectOption({ label: "Readers" });
  await page.getByRole("button", { name: "Next" }).click();
  await page
    .getByLabel("Channel and sender account")
    .selectOption({ label: "Telegram tips · Telegram" });
  await page.getByLabel("Text", { exact: true }).fill("This week's tip: water your plants.");
  await page.getByRole("button", { name: "Next" }).click();
  await page.waitForURL(/\/broadcasts\/brd_[^/]+\/edit$/);
}

const scheduleButton = () =>
  page.locator(".builder-foot").getByRole("button", { name: "Schedule" });
const review = () => page.locator(".review-card").textContent();

beforeAll(async () => {
  fake = await startFakePlatforms(0);
  ({ server, browser, page } = await signedInSession(8957, { fakePlatformsUrl: fake.url }));
  await seed();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  server?.stop();
  await fake?.close();
});

describe("scheduling broadcasts", () => {
  it("repeats a broadcast every Monday and Thursday until a date, said in words and saved as such", async () => {
    const { workspace } = await call<{ workspace: { timezone: string } }>("GET", "/api/v1/me");
    const zone = workspace.timezone.replaceAll("_", " ");
    await buildUpToSchedule("Weekly tips");
    const id = page.url().split("/").at(-2) as string;

    await page.getByRole("radio", { name: /^Repeat/ }).check();
    await page.getByLabel("Repeats").selectOption({ label: "Every week" });
    const days = page.locator(".weekday-checks input");
    // the week starts on the locale's first day: Sunday in English (United States)
    await expect
      .poll(() => page.locator(".weekday-checks").textContent(), { timeout: 15_000 })
      .toBe("SundayMondayTuesdayWednesdayThursdayFridaySaturday");
    for (const [i, day] of ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday"].entries())
      await days.nth(i).setChecked(day === "Monday" || day === "Thursday");
    await days.nth(5).setChecked(false);
    await days.nth(6).setChecked(false);
    await page.getByLabel("At", { exact: true }).fill("09:00");
    await page.getByLabel("On a date").check();
    // a last day already gone: the API's refusal shows beside it
    await page.getByLabel("Last day").fill("2020-01-31");
    await screenshot(page, "broadcast-repeat");
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "broadcast-repeat");
    await page.setViewportSize(VIEWPORTS.laptop);
    await expectAccessible(page, "the schedule step with a repeat", "#main");
    await page.getByRole("button", { name: "Next" }).click();
    await scheduleButton().click();
    await page.getByRole("dialog").getByRole("button", { name: "Schedule" }).click();
    const endError = page.locator(".repeat-ends .field-error");
    await expect
      .poll(() => endError.textContent(), { timeout: 15_000 })
      .toContain("before the first run");
    await expect
      .poll(() => page.getByLabel("Last day").getAttribute("aria-invalid"), { timeout: 15_000 })
      .toBe("true");

    await page.getByLabel("Last day").fill("2027-01-31");
    await page.getByRole("button", { name: "Next" }).click();
    await expect
      .poll(review, { timeout: 15_000 })
      .toContain(`Every Monday and Thursday at 09:00, until Jan 31, 2027 (${zone})`);
    await screenshot(page, "broadcast-repeat-review");
    await scheduleButton().click();
    await page.getByRole("dialog").getByRole("button", { name: "Schedule" }).click();
    await page.waitForURL(`**/broadcasts/${id}`);

    const saved = await call<Broadcast>("GET", `/api/v1/broadcasts/${id}`);
    expect(saved.status).toBe("scheduled");
    expect(saved.schedule?.recurrence).toMatchObject({
      every: "weekly",
      days_of_week: [1, 4],
      time: "09:00",
    });
    const endsAt = saved.schedule?.recurrence?.ends?.at ?? "";
    // no run from the start of 1 February 2027 on the workspace's clock
    expect(
      new Intl.DateTimeFormat("en-CA", {
        timeZone: workspace.timezone,
        dateStyle: "short",
        timeStyle: "short",
        hourCycle: "h23",
      }).format(new Date(endsAt)),
    ).toBe("2027-02-01, 00:00");
    const runs = page.locator(".runs-card");
    // the broadcast and its runs arrive after the page has changed
    await expect
      .poll(() => runs.locator(".runs-rule").textContent(), { timeout: 15_000 })
      .toContain("Every Monday and Thursday at 09:00, until Jan 31, 2027");
    await expect
      .poll(() => page.getByTestId("next-run").textContent(), { timeout: 15_000 })
      .toMatch(/^Next run (Monday|Thursday), /);
    await expect
      .poll(() => runs.textContent(), { timeout: 15_000 })
      .toContain("It has not run yet.");
  });

  it("adds a CSV file's contacts to the audience and names the refused row by its number", async () => {
    await page.goto("/broadcasts/new");
    await page.getByLabel("Name", { exact: true }).fill("From a file");
    await page.getByLabel("Send to").selectOption("csv");
    await expect
      .poll(() => page.locator(".csv-upload .hint").textContent(), { timeout: 15_000 })
      .toContain("phone (WhatsApp, SMS), email (email) or identity");
    await page.getByLabel("CSV file").setInputFiles({
      name: "readers.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("identity,name\n88800,Mira\n99912345,Newcomer\n,Nobody\n"),
    });
    await page.getByText("readers.csv is matched against the channel’s addresses").waitFor();
    await page.getByRole("button", { name: "Next" }).click();
    await page
      .getByLabel("Channel and sender account")
      .selectOption({ label: "Telegram tips · Telegram" });
    await page.getByLabel("Text", { exact: true }).fill("Hello from the list");
    await page.getByRole("button", { name: "Next" }).click();
    // a refused row brings the audience step back, with what the file added
    const outcome = page.getByTestId("csv-outcome");
    await outcome.waitFor();
    await expect
      .poll(() => outcome.textContent(), { timeout: 15_000 })
      .toContain("3 rows read — matched existing contacts: 1, new contacts created: 1.");
    await expect
      .poll(() => outcome.locator(".csv-refused").textContent(), { timeout: 15_000 })
      .toContain("1 row refused:Row 4: identity is empty");
    await expect
      .poll(() => page.getByTestId("segment-count").textContent(), { timeout: 10_000 })
      .toContain("2 contacts");
    await screenshot(page, "broadcast-csv");
    await expectAccessible(page, "the audience step with a CSV", "#main");
    await page.setViewportSize(VIEWPORTS.phone);
    await screenshot(page, "broadcast-csv");
    await page.setViewportSize(VIEWPORTS.laptop);

    const id = page.url().split("/").at(-2) as string;
    const broadcast = await call<{ audience: Record<string, unknown> }>(
      "GET",
      `/api/v1/broadcasts/${id}`,
    );
    expect(broadcast.audience).toEqual({ csv: true });
    // once the draft exists, a file picked goes up at once
    await page.getByLabel("CSV file").setInputFiles({
      name: "more.csv",
      mimeType: "text/csv",
      buffer: Buffer.from("identity\n88801\n"),
    });
    await expect
      .poll(() => outcome.textContent(), { timeout: 10_000 })
      .toContain("1 row read — matched existing contacts: 1, new contacts created: 0.");
    await expect
      .poll(() => page.getByTestId("segment-count").textContent(), { timeout: 15_000 })
      .toContain("they are counted when it starts");
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByRole("radio", { name: /^At a local time for each recipient/ }).check();
    await page.getByLabel("Date and time", { exact: true }).fill("2027-03-01T10:00");
    await page.getByRole("button", { name: "Next" }).click();
    // two files may name the same contacts: the count waits for the start
    await expect.poll(review, { timeout: 15_000 }).toMatch(/Contacts from a CSV file(?! ·)/);
    await expect
      .poll(review, { timeout: 15_000 })
      .toContain("Monday, March 1, 2027 at 10:00 AM, in each recipient’s time zone");
    await scheduleButton().click();
    await page.getByRole("dialog").getByRole("button", { name: "Schedule" }).click();
    await page.waitForURL(`**/broadcasts/${id}`);
    const scheduled = await call<Broadcast & { schedule: { send_at_local?: string } }>(
      "GET",
      `/api/v1/broadcasts/${id}`,
    );
    expect(scheduled.status).toBe("scheduled");
    expect(scheduled.schedule).toEqual({ send_at_local: "2027-03-01T10:00" });
  });

  it("lists a recurring broadcast's runs and shows the counts of the run picked", async () => {
    const created = await call<Broadcast>("POST", "/api/v1/broadcasts", {
      name: "Daily digest",
      channel_id: channelId,
      audience: { segment_id: segmentId },
      message: { text: "Today's digest" },
      schedule: { recurrence: { every: "daily", time: "07:30" } },
    });
    const runOnce = async () => {
      await call("POST", `/api/v1/broadcasts/${created.id}/start`);
      await eventually(
        async () =>
          (await call<Broadcast>("GET", `/api/v1/broadcasts/${created.id}`)).status === "scheduled",
        "the run finished",
      );
    };
    await runOnce();
    await refuseNextSend();
    await runOnce();

    await page.goto(`/broadcasts/${created.id}`);
    const rows = page.locator(".runs-table tbody tr");
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(2);
    await expect
      .poll(() => rows.nth(0).textContent(), { timeout: 15_000 })
      .toMatch(/^Run 2.*Completed21$/);
    await expect
      .poll(() => rows.nth(1).textContent(), { timeout: 15_000 })
      .toMatch(/^Run 1.*Completed30$/);
    await expect
      .poll(() => page.getByTestId("next-run").textContent(), { timeout: 15_000 })
      .toMatch(/^Next run /);

    const runTile = (name: string) =>
      page.locator(`.run-stats .stat-tile[data-stat="${name}"] dd`).first();
    // the recipients list follows the run picked
    const recipients = page.locator(".recipients-table tbody tr");
    await page.getByLabel("Filter recipients by status").selectOption("failed");
    await expect.poll(() => recipients.count(), { timeout: 10_000 }).toBe(1);
    await page.getByRole("button", { name: "Run 1", exact: true }).click();
    await page.getByRole("heading", { name: "Counts of run 1" }).waitFor();
    // the heading names the run picked before its counts arrive
    await expect.poll(() => runTile("sent").textContent(), { timeout: 15_000 }).toBe("3");
    await expect.poll(() => runTile("failed").textContent(), { timeout: 15_000 }).toBe("0");
    await expect.poll(() => recipients.count(), { timeout: 10_000 }).toBe(0);
    await page.getByRole("button", { name: "Run 2", exact: true }).click();
    await page.getByRole("heading", { name: "Counts of run 2" }).waitFor();
    await expect.poll(() => runTile("failed").textContent(), { timeout: 10_000 }).toBe("1");
    await expect.poll(() => runTile("sent").textContent(), { timeout: 15_000 }).toBe("2");
    await expect.poll(() => recipients.count(), { timeout: 10_000 }).toBe(1);
    await page.getByLabel("Filter recipients by status").selectOption("");
    // the page's own tiles count every run
    const allSent = page.locator('.broadcast-detail > .card .stat-tile[data-stat="sent"] dd');
    await expect.poll(() => allSent.first().textContent(), { timeout: 15_000 }).toBe("5");
    await page.locator(".runs-card").scrollIntoViewIfNeeded();
    await screenshot(page, "broadcast-runs");
    await expectAccessible(page, "a recurring broadcast's runs", "#main");
    await page.setViewportSize(VIEWPORTS.phone);
    await page.locator(".runs-card").scrollIntoViewIfNeeded();
    await screenshot(page, "broadcast-runs");
    await expectAccessible(page, "a recurring broadcast's runs on a phone", "#main");
    await page.setViewportSize(VIEWPORTS.laptop);

    await call("PATCH", "/api/v1/me", { language: "ar" });
    try {
      await page.goto(`/broadcasts/${created.id}`);
      await page.getByRole("heading", { name: "مرات الإرسال" }).waitFor();
      expect(await page.locator("html").getAttribute("dir")).toBe("rtl");
      await expect
        .poll(() => page.locator(".runs-rule").textContent(), { timeout: 15_000 })
        .toContain("كل يوم");
      await page.goto(`/broadcasts/${created.id}/edit`);
      await page.locator(".builder-steps button").nth(2).click();
      await page.locator(".repeat-fields").waitFor();
      for (const viewport of [VIEWPORTS.laptop, VIEWPORTS.phone]) {
        await page.setViewportSize(viewport);
        await screenshot(page, "broadcast-repeat-arabic");
      }
      await expectAccessible(page, "the repeat fields in Arabic", "#main");
    } finally {
      await page.setViewportSize(VIEWPORTS.laptop);
      await call("PATCH", "/api/v1/me", { language: null });
    }
  });
});
