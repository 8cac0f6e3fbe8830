import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";

const dist = new URL("../../web/dist/", import.meta.url);
const gzipped = (file: string) =>
  gzipSync(readFileSync(new URL(file, dist)), { level: 9 }).byteLength;

// The inbox's first load: the entry, what it imports statically, and its CSS. Other screens
// (contacts, settings, other languages) are separate chunks fetched on first visit.
const FIRST_LOAD_BUDGET = 150 * 1024;

/** The scripts and styles index.html loads, and the chunks those import statically. */
function firstLoadFiles() {
  const html = readFileSync(new URL("index.html", dist), "utf8");
  const found = new Set(
    [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string),
  );
  const queue = [...found].filter((f) => f.endsWith(".js"));
  while (queue.length) {
    const source = readFileSync(new URL(queue.pop() as string, dist), "utf8");
    for (const [, name] of source.matchAll(
      /(?:^|[;\n}])\s*import\s*(?:[^"'()]*?from\s*)?["']\.\/([^"']+\.js)["']/g,
    )) {
      const file = `assets/${name}`;
      if (!found.has(file)) {
        found.add(file);
        queue.push(file);
      }
    }
  }
  return [...found];
}

describe("inbox size budget (gzip)", () => {
  it("keeps the first load, JS and CSS, under 150 KB", () => {
    const files = firstLoadFiles();
    const size = files.reduce((sum, f) => sum + gzipped(f), 0);
    console.log(
      `inbox first load: ${size} B gzip in ${files.length} files (budget ${FIRST_LOAD_BUDGET})`,
    );
    expect(files.some((f) => f.endsWith(".css"))).toBe(true);
    expect(size).toBeLessThanOrEqual(FIRST_LOAD_BUDGET);
  });

  it("loads settings and contacts on demand, not in the first load", () => {
    const files = firstLoadFiles();
    expect(files.filter((f) => /\/(layout|contacts)-/.test(f))).toEqual([]);
  });
});
