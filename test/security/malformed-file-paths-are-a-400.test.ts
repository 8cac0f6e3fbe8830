import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { api, expectProblem } from "../helpers";

describe("file paths", () => {
  it("answers malformed percent-encoding with a 400 problem", async () => {
    for (const path of ["/files/%E0%A4%A", "/files/%", "/files/ws/%ZZ", "/files/%C0%AF"]) {
      const problem = await expectProblem(await api(path), 400);
      expect(problem.detail).toMatch(/percent-encoding/);
    }
  });

  it("never answers a 5xx, whatever the path", async () => {
    const segment = fc.oneof(
      fc.string(),
      fc.stringMatching(/^(%[0-9A-Fa-f]{0,2}|[a-z0-9_.-]){1,12}$/),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(segment, { minLength: 1, maxLength: 4 }), async (segments) => {
        const path = `/files/${segments.map((s) => s.replace(/[?#]/g, "")).join("/")}`;
        const response = await api(`${path}?expires=9999999999999&sig=00`);
        expect(response.status, path).toBeLessThan(500);
      }),
      { numRuns: 100 },
    );
  });
});
