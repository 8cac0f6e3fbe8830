import { describe, expect, it } from "vitest";
import { api, expectProblem, freshEmail, invite, newWorkspace, PASSWORD } from "../helpers";

const ATTEMPTS_BEFORE_LIMIT = 20;

/** Each attempt from a different address: only the per-account limit can stop them. */
async function attemptsFromManyAddresses(email: string, count: number) {
  const statuses: number[] = [];
  for (let i = 0; i < count; i++) {
    const response = await api("/api/v1/auth/login", {
      body: { email, password: `guess number ${i}` },
      headers: { "cf-connecting-ip": `192.0.2.${i + 1}` },
    });
    statuses.push(response.status);
    if (response.status === 429) await expectProblem(response, 429);
  }
  return statuses;
}

describe("password guessing against one account from many addresses", () => {
  it("is throttled with 429, the same whether or not the account exists", async () => {
    const ws = await newWorkspace();
    const target = await ws.addMember("admin");
    const expected = [...Array(ATTEMPTS_BEFORE_LIMIT).fill(401), 429, 429];
    const known = await attemptsFromManyAddresses(target.email, expected.length);
    expect(known).toEqual(expected);
    const unknown = await attemptsFromManyAddresses(freshEmail("ghost"), expected.length);
    expect(unknown).toEqual(expected);

    // the right password does not get through the limit either, in any letter case
    const right = await api("/api/v1/auth/login", {
      body: { email: target.email.toUpperCase(), password: PASSWORD },
      headers: { "cf-connecting-ip": "192.0.2.200" },
    });
    const problem = await expectProblem(right, 429);
    expect(problem.type).toMatch(/rate-limited$/);
    expect(Number(right.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // another account is not affected
    const other = await ws.addMember("agent");
    expect(
      (
        await api("/api/v1/auth/login", {
          body: { email: other.email, password: PASSWORD },
          headers: { "cf-connecting-ip": "192.0.2.201" },
        })
      ).status,
    ).toBeLessThan(300);
  });
});

describe("password guessing through an invitation to an existing account", () => {
  it("counts against the same per-account limit as sign-in", async () => {
    const home = await newWorkspace();
    const target = await home.addMember("agent");
    const other = await newWorkspace();
    const { token } = await invite(other.ownerCookie, target.email);
    const statuses: number[] = [];
    for (let i = 0; i <= ATTEMPTS_BEFORE_LIMIT; i++) {
      const response = await api("/api/v1/auth/accept-invite", {
        body: { token, password: `guess number ${i}` },
        headers: { "cf-connecting-ip": `192.0.2.${i + 100}` },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([...Array(ATTEMPTS_BEFORE_LIMIT).fill(401), 429]);
    await expectProblem(
      await api("/api/v1/auth/login", {
        body: { email: target.email, password: PASSWORD },
        headers: { "cf-connecting-ip": "192.0.2.250" },
      }),
      429,
    );
  });
});
