import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectProblem, ORIGIN } from "../helpers";

/** A sign-in attempt that did not pass Cloudflare's edge: no CF-Connecting-IP, any X-Forwarded-For. */
const signIn = (forwardedFor: string, i: number) =>
  exports.default.fetch(`${ORIGIN}/api/v1/auth/login`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      origin: ORIGIN,
      "x-forwarded-for": forwardedFor,
    },
    body: JSON.stringify({ email: `nobody-${i}@example.com`, password: "wrong password" }),
  });

describe("the client address", () => {
  it("is never taken from X-Forwarded-For: a new forged address each try is still throttled", async () => {
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let i = 0; i < 12; i++) {
      const response = await signIn(`198.18.${i}.1, 10.0.0.1`, i);
      statuses.push(response.status);
      if (response.status === 429) limited = response;
      else await response.body?.cancel();
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    if (!limited) throw new Error("never limited");
    await expectProblem(limited, 429);
  });

  it("is CF-Connecting-IP when the edge set it, whatever X-Forwarded-For says", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const response = await exports.default.fetch(`${ORIGIN}/api/v1/auth/login`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          origin: ORIGIN,
          "cf-connecting-ip": "198.51.100.201",
          "x-forwarded-for": `192.0.2.${i + 1}`,
        },
        body: JSON.stringify({ email: `someone-${i}@example.com`, password: "wrong password" }),
      });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses.at(-1)).toBe(429);
  });
});
