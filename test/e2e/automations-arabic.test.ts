import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callAs, type LocalConversa, screenshot, signedInSession, VIEWPORTS } from "./browser";

/** The automations screens in Arabic (right to left), on a 1280×800 laptop and a phone. */
const LAPTOP = { width: 1280, height: 800 };

let server: LocalConversa;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  ({ server, browser, page } = await signedInSession(8979, {
    context: { locale: "ar", viewport: LAPTOP },
  }));
});

afterAll(async () => {
  await browser?.close();
  server?.stop();
});

const call = <T = Record<string, unknown>>(method: string, path: string, data?: unknown) =>
  callAs<T>(page, server.base, method, path, data);

/** How far any element of the main area reaches past the screen's sides, in pixels. */
const overflowingWidth = () =>
  page.evaluate(() => {
    const main = document.querySelector("#main");
    if (!main) return -1;
    let worst = 0;
    for (const el of [main, ...main.querySelectorAll("*")]) {
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || getComputedStyle(el).position === "fixed") continue;
      worst = Math.max(worst, -box.left, box.right - window.innerWidth);
    }
    return Math.round(worst);
  });

/** At both sizes: once `ready`, nothing wider than the screen; then a screenshot of each. */
async function lookInArabic(name: string, ready: () => Promise<unknown>) {
  for (const viewport of [LAPTOP, VIEWPORTS.phone]) {
    await page.setViewportSize(viewport);
    await ready();
    await expect.poll(overflowingWidth, { message: `${name} at ${viewport.width}px` }).toBe(0);
    await screenshot(page, `${name}-arabic`);
  }
  await page.setViewportSize(LAPTOP);
}

const vipBranch = {
  type: "branch",
  branches: [
    {
      name: "عملاء مميزون",
      conditions: {
        match: "all",
        groups: [{ match: "all", rules: [{ type: "tag", operator: "has", tag: "vip" }] }],
      },
      steps: [{ type: "add_tag", tag: "priority" }],
    },
  ],
  otherwise: [
    {
      type: "ask",
      question: "هل وصل طلبك؟",
      answer_type: "choice",
      choices: ["وصل الطلب", "لم يصل بعد"],
      on_answer: [{ type: "add_tag", tag: "answered" }],
      on_timeout: [{ type: "add_note", text: "لم يُجب العميل" }],
    },
  ],
};

describe("the automations screens in Arabic", () => {
  it("read right to left and fit a laptop and a phone: list, templates, an editor with a branch and a question, the run log", async () => {
    await expect(page.locator("html").getAttribute("dir")).resolves.toBe("rtl");
    const sorting = await call<{ id: string }>("POST", "/api/v1/automations", {
      name: "فرز العملاء المميزين حسب الوسم ورقم الطلب",
      description: "يرسل العملاء المميزين إلى الأولوية ويسأل الآخرين عن طلبهم",
      trigger: { type: "manual" },
      steps: [vipBranch],
    });
    await call("POST", `/api/v1/automations/${sorting.id}/activate`);
    const contact = await call<{ id: string }>("POST", "/api/v1/contacts", {
      name: "ليلى الحسيني",
      email: "layla@example.com",
    });
    await call("POST", `/api/v1/automations/${sorting.id}/runs`, { contact_id: contact.id });

    await page.goto("/automations");
    await lookInArabic("automations-list", () =>
      page.locator(`[data-automation="${sorting.id}"]`).waitFor(),
    );

    await page.getByRole("button", { name: "القوالب" }).first().click();
    await lookInArabic("automation-library", () =>
      page.getByRole("heading", { name: "ابدأ من قالب" }).waitFor(),
    );
    await page.keyboard.press("Escape");

    await page.goto(`/automations/${sorting.id}`);
    await lookInArabic("automation-editor-branch-ask", async () => {
      const question = page.locator(".step-card.type-ask");
      await question.scrollIntoViewIfNeeded();
    });

    await page.goto(`/automations/${sorting.id}/runs`);
    const row = page.locator(".run-row").first();
    await row.getByText("ليلى الحسيني").waitFor();
    await row.getByRole("button", { expanded: false }).click();
    await lookInArabic("automation-run-log", () => row.locator(".run-step").first().waitFor());
  });
});
