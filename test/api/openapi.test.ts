import { describe, expect, it } from "vitest";
import { createApp } from "../../worker/app";
import { api, json } from "../helpers";

type Document = {
  openapi: string;
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: object };
};

describe("OpenAPI document", () => {
  it("is OpenAPI 3.1 and lists every API route the app serves", async () => {
    const doc = await json<Document>(await api("/api/v1/openapi.json"));
    expect(doc.openapi).toBe("3.1.0");
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map(
          (method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ":$1")}`,
        ),
      ),
    );
    const served = createApp()
      .routes.filter(
        (r) =>
          r.method !== "ALL" && r.path.startsWith("/api/v1/") && !r.path.endsWith("openapi.json"),
      )
      .map((r) => `${r.method} ${r.path}`);
    expect(served.length).toBeGreaterThan(15);
    for (const route of served) expect(documented, route).toContain(route);
    expect(Object.keys(doc.components.schemas)).toEqual(
      expect.arrayContaining(["Contact", "Problem", "User"]),
    );
  });

  it("serves interactive docs", async () => {
    const response = await api("/api/docs");
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("/api/v1/openapi.json");
  });
});
