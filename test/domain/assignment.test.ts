import { describe, expect, it } from "vitest";
import { type Candidate, pickAgent } from "../../worker/domain/routing/assignment";

const agents = (...open: number[]): Candidate[] =>
  open.map((n, i) => ({ userId: `usr_${i}`, open: n, capacity: 1_000_000 }));

function run(
  strategy: "round_robin" | "least_busy" | "random",
  candidates: Candidate[],
  times: number,
) {
  let last: string | null = null;
  const given = new Map<string, number>();
  let seed = 7;
  const random = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  for (let i = 0; i < times; i++) {
    const chosen = pickAgent(strategy, candidates, last, random);
    if (!chosen) break;
    given.set(chosen, (given.get(chosen) ?? 0) + 1);
    const c = candidates.find((x) => x.userId === chosen);
    if (c) c.open += 1;
    last = chosen;
  }
  return given;
}

describe("picking an agent", () => {
  it("round-robin is exactly fair over 1,000 assignments", () => {
    const given = run("round_robin", agents(0, 0, 0, 0), 1000);
    expect([...given.values()]).toEqual([250, 250, 250, 250]);
  });

  it("least-busy evens out open conversations, then rotates", () => {
    const candidates = agents(5, 0, 2);
    const given = run("least_busy", candidates, 1000);
    const open = candidates.map((c) => c.open);
    expect(Math.max(...open) - Math.min(...open)).toBeLessThanOrEqual(1);
    expect(open.reduce((a, b) => a + b, 0)).toBe(1007);
    expect([...given.values()].reduce((a, b) => a + b, 0)).toBe(1000);
  });

  it("random spreads assignments over everyone with room", () => {
    const given = run("random", agents(0, 0, 0), 1000);
    for (const n of given.values()) expect(n).toBeGreaterThan(250);
  });

  it("never goes past an agent's capacity", () => {
    const candidates: Candidate[] = [
      { userId: "usr_a", open: 2, capacity: 3 },
      { userId: "usr_b", open: 3, capacity: 3 },
    ];
    expect(pickAgent("round_robin", candidates, null)).toBe("usr_a");
    candidates[0] = { userId: "usr_a", open: 3, capacity: 3 };
    expect(pickAgent("least_busy", candidates, null)).toBeNull();
    expect(pickAgent("random", candidates, null)).toBeNull();
  });
});
