import { describe, expect, it } from "vitest";
import { api, expectProblem, json, newWorkspace } from "../helpers";

describe("HTTP errors are problem+json", () => {
  it("GET /health answers for liveness", async () => {
    const response = await api("/health");
    expect(response.status).toBe(200);
    expect(await json(response)).toEqual({ status: "ok" });
  });

  it("unknown routes are 404, even without credentials", async () => {
    const problem = await expectProblem(await api("/api/v1/nope"), 404);
    expect(problem).toMatchObject({ status: 404, title: "Not found" });
    expect(problem.type).toMatch(/^https:\/\//);
  });

  it("a known route with the wrong method is 405 with Allow", async () => {
    const response = await api("/api/v1/contacts", { method: "PUT" });
    await expectProblem(response, 405);
    expect(response.headers.get("allow")?.split(", ").sort()).toEqual(["GET", "POST"]);
    const withId = await api("/api/v1/contacts/ct_01JD0000000000000000000000", { method: "POST" });
    await expectProblem(withId, 405);
  });

  it("malformed JSON is 400 and nothing is stored", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      rawBody: '{"name": "half',
      headers: { "content-type": "application/json" },
    });
    const problem = await expectProblem(response, 400);
    expect(problem.detail).toMatch(/JSON/);
    const list = await json<{ data: unknown[] }>(
      await api("/api/v1/contacts", { cookie: ws.ownerCookie }),
    );
    expect(list.data).toHaveLength(0);
  });

  it("a body that is not JSON is 415", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      rawBody: "name=Bob",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    await expectProblem(response, 415);
  });

  it("a body over the limit is 413", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      body: { name: "x", custom_fields: { big: "y".repeat(2 * 1024 * 1024) } },
    });
    await expectProblem(response, 413);
  });

  it("validation failures list every failing field path", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      body: {
        name: 42,
        email: "not-an-email",
        timezone: "Mars/Olympus",
        consent: { fax: "opted_in" },
      },
    });
    const problem = await expectProblem(response, 422);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([
      "consent.fax",
      "email",
      "name",
      "timezone",
    ]);
  });

  it("JSON that is not an object is 422, not 500", async () => {
    const ws = await newWorkspace();
    for (const body of [null, [], "text", 12]) {
      await expectProblem(await api("/api/v1/contacts", { cookie: ws.ownerCookie, body }), 422);
    }
  });
});
