import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { uniqueDigits } from "../channel-helpers";

const limiter = () => env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(`ch_${uniqueDigits(12)}`));

describe("the channel's limiter at the moment of sending", () => {
  it("lets no second hold more than the broadcasts' share, with the channel's bucket still full", async () => {
    const channel = limiter();
    const limit = { perSecond: 10 };
    const waits = [];
    for (let i = 0; i < 9; i++) waits.push(await channel.acquire(limit, `reader-${i}`, 8));
    expect(waits.slice(0, 8)).toEqual(Array(8).fill(0));
    expect(waits[8]).toBeGreaterThan(0);
    expect(waits[8]).toBeLessThanOrEqual(1000);
    // a live reply is not a broadcast's: the channel's remaining room is its own
    expect(await channel.acquire(limit, "asker-1")).toBe(0);
    expect(await channel.acquire(limit, "asker-2")).toBe(0);
    expect(await channel.acquire(limit, "asker-3")).toBeGreaterThan(0);
  });

  it("lets the broadcast go on once its oldest send of the second is a second old", async () => {
    const channel = limiter();
    const limit = { perSecond: 10 };
    for (let i = 0; i < 3; i++) expect(await channel.acquire(limit, `reader-${i}`, 3)).toBe(0);
    const wait = await channel.acquire(limit, "reader-3", 3);
    expect(wait).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, wait));
    expect(await channel.acquire(limit, "reader-3", 3)).toBe(0);
  });
});
