import { describe, expect, it } from "vitest";
import { api, createKey, expectProblem, json, newWorkspace, PASSWORD } from "../helpers";

describe("Idempotency-Key", () => {
  it("replays the first answer for the same key and body, and refuses another body", async () => {
    const ws = await newWorkspace();
    const key = await createKey(ws.ownerCookie);
    const body = { name: "Once Only", email: "once@example.com" };
    const headers = { "idempotency-key": "create-once-1" };
    const first = await api("/api/v1/contacts", { key, body, headers });
    expect(first.status).toBe(201);
    const created = await json<{ id: string }>(first);
    const again = await api("/api/v1/contacts", { key, body, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((await json<{ id: string }>(again)).id).toBe(created.id);
    const other = await expectProblem(
      await api("/api/v1/contacts", { key, body: { ...body, name: "Changed" }, headers }),
      422,
    );
    expect(other.errors?.[0]?.path).toBe("Idempotency-Key");
    const list = await json<{ data: unknown[] }>(await api("/api/v1/contacts", { key }));
    expect(list.data).toHaveLength(1);
  });

  it("gives concurrent duplicates one effect", async () => {
    const ws = await newWorkspace();
    const key = await createKey(ws.ownerCookie);
    const body = { name: "Racer", email: "racer@example.com" };
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        api("/api/v1/contacts", { key, body, headers: { "idempotency-key": "race-1" } }),
      ),
    );
    const ids = new Set(
      await Promise.all(responses.map(async (r) => (await json<{ id: string }>(r)).id)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(201));
    expect(ids.size).toBe(1);
    const list = await json<{ data: unknown[] }>(await api("/api/v1/contacts", { key }));
    expect(list.data).toHaveLength(1);
  });

  it("keeps keys apart per caller and lets a failed first attempt be retried", async () => {
    const ws = await newWorkspace();
    const a = await createKey(ws.ownerCookie);
    const b = await createKey(ws.ownerCookie);
    const headers = { "idempotency-key": "shared-name" };
    const bad = await api("/api/v1/contacts", { key: a, body: { email: "not-an-email" }, headers });
    expect(bad.status).toBe(422);
    expect((await api("/api/v1/contacts", { key: b, body: { name: "B" }, headers })).status).toBe(
      201,
    );
    await expectProblem(
      await api("/api/v1/contacts", {
        key: a,
        body: { email: "x" },
        headers: { "idempotency-key": "bad key with spaces" },
      }),
      422,
    );
  });
});

describe("rate limits", () => {
  it("throttle sign-in attempts from one address with 429, Retry-After and RateLimit headers", async () => {
    const ws = await newWorkspace();
    const ip = { "cf-connecting-ip": "198.51.100.77" };
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let i = 0; i < 12; i++) {
      const response = await api("/api/v1/auth/login", {
        body: { email: ws.owner.email, password: "wrong password" },
        headers: ip,
      });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    if (!limited) throw new Error("never limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(limited.headers.get("ratelimit-limit")).toBe("10");
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    await expectProblem(limited, 429);
    // another address is not affected, even with the right password
    const elsewhere = await api("/api/v1/auth/login", {
      body: { email: ws.owner.email, password: PASSWORD },
      headers: { "cf-connecting-ip": "198.51.100.78" },
    });
    expect(elsewhere.status).toBe(200);
  });

  it("limit each API key and say how much is left", async () => {
    const ws = await newWorkspace();
    const key = await createKey(ws.ownerCookie);
    const responses = await Promise.all(
      Array.from({ length: 70 }, () => api("/api/v1/contacts", { key })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeGreaterThanOrEqual(60);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(1);
    const ok = responses.find((r) => r.status === 200);
    expect(ok?.headers.get("ratelimit-limit")).toBe("60");
    expect(Number(ok?.headers.get("ratelimit-remaining"))).toBeLessThan(60);
    const other = await createKey(ws.ownerCookie);
    expect((await api("/api/v1/contacts", { key: other })).status).toBe(200);
  });
});
