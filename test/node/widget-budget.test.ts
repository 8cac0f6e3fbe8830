import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const dist = new URL("../../web/dist/", import.meta.url);
const gzipped = (file: string) =>
  gzipSync(readFileSync(new URL(file, dist)), { level: 9 }).byteLength;

// Budgets from the product: the loader must not slow anyone's page; the chat app stays tiny.
const LOADER_BUDGET = 3 * 1024;
const APP_BUDGET = 25 * 1024;

describe("widget size budget (gzip)", () => {
  it("keeps the loader under 3 KB", () => {
    const size = gzipped("widget.js");
    console.log(`widget.js: ${size} B gzip (budget ${LOADER_BUDGET})`);
    expect(size).toBeLessThanOrEqual(LOADER_BUDGET);
  });

  it("keeps the chat app, JS and CSS, under 25 KB", () => {
    // the CSS is inlined into widget-app.js and injected into the shadow root
    const size = gzipped("widget-app.js");
    console.log(`widget-app.js (with CSS): ${size} B gzip (budget ${APP_BUDGET})`);
    expect(size).toBeLessThanOrEqual(APP_BUDGET);
  });

  it("loads the chat app lazily: the loader holds no chat code", () => {
    const loader = readFileSync(new URL("widget.js", dist), "utf8");
    expect(loader).toContain("widget-app.js");
    expect(loader).not.toMatch(/^\s*(import|export)\s/m);
    expect(loader).not.toContain("Write a message");
  });
});
