import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LANGUAGES } from "../../web/shared/i18n";
import { UI_LANGUAGES } from "../../worker/schemas/languages";

const locales = new URL("../../web/locales/", import.meta.url).pathname;
const web = new URL("../../web/", import.meta.url).pathname;
type Value = string | Record<string, string>;

const read = (language: string, namespace: string): Record<string, Value> =>
  JSON.parse(readFileSync(join(locales, language, `${namespace}.json`), "utf8"));
const namespaces = readdirSync(join(locales, "en")).map((f) => f.replace(/\.json$/, ""));
const placeholders = (value: Value) =>
  [
    ...new Set(
      Object.values(typeof value === "string" ? { v: value } : value).flatMap(
        (v) => v.match(/\{\w+\}/g) ?? [],
      ),
    ),
  ].sort();

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === "dist" || entry.name === "locales" ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

describe("message catalogs", () => {
  it("speaks the languages a person can pick in their profile", () => {
    expect(LANGUAGES.map((l) => l.code)).toEqual([...UI_LANGUAGES]);
  });

  it("has every namespace in every language", () => {
    for (const { code } of LANGUAGES)
      expect(readdirSync(join(locales, code)).sort(), code).toEqual(
        namespaces.map((n) => `${n}.json`).sort(),
      );
  });

  for (const namespace of namespaces)
    it(`translates every ${namespace} key into every language, with the same placeholders`, () => {
      const english = read("en", namespace);
      for (const { code } of LANGUAGES) {
        const catalog = read(code, namespace);
        expect(Object.keys(catalog).sort(), `${code}/${namespace}.json keys`).toEqual(
          Object.keys(english).sort(),
        );
        for (const [key, value] of Object.entries(english)) {
          const translated = catalog[key] as Value;
          expect(typeof translated, `${code} ${namespace}.${key}`).toBe(typeof value);
          if (typeof value === "object")
            expect(
              Object.keys(translated as object),
              `${code} ${namespace}.${key} plural forms`,
            ).toContain("other");
          expect(placeholders(translated), `${code} ${namespace}.${key} placeholders`).toEqual(
            placeholders(value),
          );
        }
      }
    });

  it("has an English text for every key the web apps ask for by name", () => {
    const missing: string[] = [];
    for (const file of sourceFiles(web)) {
      const source = readFileSync(file, "utf8");
      for (const [, key] of source.matchAll(/\bt\(\s*"([\w-]+\.[\w.-]+)"/g)) {
        const [namespace, ...rest] = (key as string).split(".");
        const catalog = namespaces.includes(namespace as string)
          ? read("en", namespace as string)
          : {};
        if (!(rest.join(".") in catalog)) missing.push(`${key} (${file.slice(web.length)})`);
      }
    }
    expect(missing).toEqual([]);
  });
});
