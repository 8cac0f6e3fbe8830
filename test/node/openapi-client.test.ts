import { readFileSync, writeFileSync } from "node:fs";
import { validate } from "@readme/openapi-parser";
import openapiTS from "openapi-typescript";
import { describe, expect, it } from "vitest";

// Loaded untyped: the worker's types need the Workers runtime's declarations, not Node's.
const APP_MODULE: string = "../../worker/app";
type App = {
  request: (url: string, init: object, env: object) => Promise<Response>;
  routes: { path: string; method: string }[];
};
const createApp = async (): Promise<App> => (await import(APP_MODULE)).createApp();

const CLIENT = new URL("../../client/", import.meta.url);
const update = process.env.UPDATE_CLIENT === "1";

async function liveDocument() {
  const response = await (await createApp()).request("/api/v1/openapi.json", {}, { DB: {} });
  return (await response.json()) as { paths: Record<string, Record<string, unknown>> };
}

function committed(name: string, fresh: string) {
  const url = new URL(name, CLIENT);
  if (update) writeFileSync(url, fresh);
  return readFileSync(url, "utf8");
}

describe("the OpenAPI document", () => {
  it("is valid OpenAPI 3.1 by a real validator", async () => {
    const result = await validate(structuredClone(await liveDocument()) as never);
    expect(result.valid ? [] : result.errors).toEqual([]);
  });

  it("documents every API, widget and webhook route the app serves", async () => {
    const doc = await liveDocument();
    const served = (await createApp()).routes
      .filter((r) => /^\/(api\/v1|widget\/v1|webhooks)\//.test(r.path) && r.method !== "ALL")
      .filter((r) => !r.path.endsWith("/openapi.json") && !r.path.includes("*"))
      .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/:(\w+)/g, "{$1}")}`);
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m} ${path}`),
      ),
    );
    expect(served.length).toBeGreaterThan(50);
    expect(served.filter((r) => !documented.has(r))).toEqual([]);
  });

  it("matches the generated client shipped in client/ (npm run client:generate)", async () => {
    const doc = await liveDocument();
    const json = `${JSON.stringify(doc, null, 2)}\n`;
    expect(committed("openapi.json", json)).toBe(json);
    const types = await openapiTS(doc as never);
    expect(committed("schema.d.ts", types)).toBe(types);
  });
});
