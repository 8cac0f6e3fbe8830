import { describe, expect, it } from "vitest";
import { conditionsHold, type Facts } from "../../worker/domain/automations/conditions";
import { matchesKeyword } from "../../worker/domain/automations/keywords";
import { limitWindow, loopVerdict, MAX_CHAIN_DEPTH } from "../../worker/domain/automations/limits";
import { StepTree } from "../../worker/domain/automations/steps";
import { nextLocalTime, quietUntil } from "../../worker/domain/automations/timing";
import type { Conditions } from "../../worker/schemas/automation-rules";
import type { Step } from "../../worker/schemas/automations";

const HOUR = 3_600_000;

describe("keyword match", () => {
  it("matches whole words of any keyword, ignoring case and accents", () => {
    for (const text of ["¿Cuál es el PRECIO?", "Precio.", "precio", "el précio, por favor"])
      expect(matchesKeyword(text, ["precio"]), text).toBe(true);
    for (const text of ["precios", "aprecio", "¿Cuánto cuesta?", ""])
      expect(matchesKeyword(text, ["precio"]), text).toBe(false);
    expect(matchesKeyword("Quiero saber mi SALDO", ["balance", "saldo", "deuda"])).toBe(true);
    // accents in the keyword do not matter either
    expect(matchesKeyword("Necesito informacion", ["información"])).toBe(true);
  });

  it("matches keywords of several words as a run of words, and exact or leading words when asked", () => {
    expect(matchesKeyword("Hola, quiero hablar con soporte técnico ya", ["soporte tecnico"])).toBe(
      true,
    );
    expect(matchesKeyword("soporte de tecnico", ["soporte tecnico"])).toBe(false);
    expect(matchesKeyword("Saldo!", ["saldo"], "exact")).toBe(true);
    expect(matchesKeyword("saldo por favor", ["saldo"], "exact")).toBe(false);
    expect(matchesKeyword("SALDO por favor", ["saldo"], "starts_with")).toBe(true);
    expect(matchesKeyword("mi saldo", ["saldo"], "starts_with")).toBe(false);
  });
});

const facts = (over: Partial<Facts> = {}): Facts => ({
  // Wednesday 2031-01-15 10:30 in Madrid (09:30 UTC)
  now: Date.parse("2031-01-15T09:30:00Z"),
  timezone: "Europe/Madrid",
  fields: { plan: "Gold", balance: 120, renews: "2031-02-01" },
  tags: ["vip"],
  channelId: "ch_1",
  hoursOpen: (id) => id !== "bh_closed",
  vars: { order: { status: 200, body: { state: "shipped" } } },
  agentsAvailable: new Map(),
  lastInboundAt: null,
  runStartedAt: null,
  ...over,
});

const all = (...rules: Conditions["groups"][number]["rules"]): Conditions => ({
  match: "all",
  groups: [{ match: "all", rules }],
});

describe("conditions", () => {
  it("read fields, tags, channel, business hours, time of day, weekday and saved values", () => {
    const holds = (c: Conditions, f = facts()) => conditionsHold(c, f);
    expect(holds(all({ type: "field", field: "plan", operator: "eq", value: "gold" }))).toBe(true);
    expect(holds(all({ type: "field", field: "balance", operator: "gte", value: 100 }))).toBe(true);
    expect(holds(all({ type: "field", field: "balance", operator: "lt", value: 100 }))).toBe(false);
    expect(
      holds(all({ type: "field", field: "renews", operator: "lt", value: "2031-03-01" })),
    ).toBe(true);
    expect(holds(all({ type: "field", field: "missing", operator: "unset" }))).toBe(true);
    expect(holds(all({ type: "tag", operator: "has", tag: "VIP" }))).toBe(true);
    expect(holds(all({ type: "tag", operator: "lacks", tag: "vip" }))).toBe(false);
    expect(holds(all({ type: "channel", channel_ids: ["ch_2"] }))).toBe(false);
    expect(holds(all({ type: "business_hours", state: "open" }))).toBe(true);
    expect(
      holds(all({ type: "business_hours", state: "closed", business_hours_id: "bh_closed" })),
    ).toBe(true);
    expect(holds(all({ type: "time_of_day", from: "09:00", to: "11:00" }))).toBe(true);
    // 09:30 UTC is 10:30 in Madrid: outside 09:00–10:00 there
    expect(holds(all({ type: "time_of_day", from: "09:00", to: "10:00" }))).toBe(false);
    expect(holds(all({ type: "time_of_day", from: "22:00", to: "11:00" }))).toBe(true);
    expect(holds(all({ type: "day_of_week", days: [3] }))).toBe(true);
    expect(holds(all({ type: "day_of_week", days: [0, 6] }))).toBe(false);
    expect(
      holds(all({ type: "variable", name: "order.body.state", operator: "eq", value: "shipped" })),
    ).toBe(true);
    expect(
      holds(all({ type: "variable", name: "order.status", operator: "gte", value: 400 })),
    ).toBe(false);
    expect(holds(all({ type: "variable", name: "order.constructor", operator: "set" }))).toBe(
      false,
    );
  });

  it("join rules within a group and groups by all / any; no groups always hold", () => {
    const vip = { type: "tag" as const, operator: "has" as const, tag: "vip" };
    const lead = { type: "tag" as const, operator: "has" as const, tag: "lead" };
    expect(conditionsHold({ match: "all", groups: [] }, facts())).toBe(true);
    expect(conditionsHold(all(vip, lead), facts())).toBe(false);
    expect(
      conditionsHold({ match: "all", groups: [{ match: "any", rules: [vip, lead] }] }, facts()),
    ).toBe(true);
    const groups = [
      { match: "all" as const, rules: [lead] },
      { match: "all" as const, rules: [vip] },
    ];
    expect(conditionsHold({ match: "any", groups }, facts())).toBe(true);
    expect(conditionsHold({ match: "all", groups }, facts())).toBe(false);
  });
});

describe("frequency limit", () => {
  const now = Date.parse("2031-01-15T12:00:00Z");
  it("counts runs since the start of a rolling window: every time, once, once a day or week, N per period", () => {
    expect(limitWindow({ type: "every_time" }, now)).toBeNull();
    expect(limitWindow({ type: "once" }, now)).toEqual({ since: 0, count: 1 });
    expect(limitWindow({ type: "once_per_day" }, now)).toEqual({
      since: now - 24 * HOUR,
      count: 1,
    });
    expect(limitWindow({ type: "once_per_week" }, now)).toEqual({
      since: now - 7 * 24 * HOUR,
      count: 1,
    });
    const twoADay = { type: "limit" as const, count: 2, period_hours: 24 };
    expect(limitWindow(twoADay, now)).toEqual({ since: now - 24 * HOUR, count: 2 });
  });
});

describe("loop guard", () => {
  it("lets an automation re-trigger itself once per chain and bounds the chain's depth", () => {
    expect(loopVerdict([], "aut_a")).toBe("allowed");
    expect(loopVerdict(["aut_a"], "aut_a")).toBe("allowed");
    expect(loopVerdict(["aut_a", "aut_a"], "aut_a")).toBe("self");
    expect(loopVerdict(["aut_a", "aut_b"], "aut_c")).toBe("allowed");
    const deep = Array.from({ length: MAX_CHAIN_DEPTH }, (_, i) => `aut_${i}`);
    expect(loopVerdict(deep, "aut_z")).toBe("depth");
    expect(loopVerdict([], "aut_z", MAX_CHAIN_DEPTH)).toBe("depth");
  });
});

describe("quiet hours and local times", () => {
  const quiet = { from: "21:00", to: "08:00" };
  it("hold a message sent in the window until the morning in the contact's timezone", () => {
    // 23:30 in Madrid (22:30 UTC): waits until 08:00 Madrid, 07:00 UTC
    const late = Date.parse("2031-01-15T22:30:00Z");
    expect(quietUntil(late, quiet, "Europe/Madrid")).toBe(Date.parse("2031-01-16T07:00:00Z"));
    // the same instant is 17:30 in Bogotá: it goes now
    expect(quietUntil(late, quiet, "America/Bogota")).toBeNull();
    // 06:00 in Madrid, after midnight: waits until 08:00 the same day
    const early = Date.parse("2031-01-16T05:00:00Z");
    expect(quietUntil(early, quiet, "Europe/Madrid")).toBe(Date.parse("2031-01-16T07:00:00Z"));
    // summer time moves the morning with it
    expect(quietUntil(Date.parse("2031-07-15T22:30:00Z"), quiet, "Europe/Madrid")).toBe(
      Date.parse("2031-07-16T06:00:00Z"),
    );
  });

  it("find the next time of day, on chosen weekdays", () => {
    const wednesday = Date.parse("2031-01-15T09:30:00Z"); // 10:30 Madrid
    expect(nextLocalTime(wednesday, "11:00", "Europe/Madrid")).toBe(
      Date.parse("2031-01-15T10:00:00Z"),
    );
    expect(nextLocalTime(wednesday, "09:00", "Europe/Madrid")).toBe(
      Date.parse("2031-01-16T08:00:00Z"),
    );
    // next Monday 09:00 Madrid
    expect(nextLocalTime(wednesday, "09:00", "Europe/Madrid", [1])).toBe(
      Date.parse("2031-01-20T08:00:00Z"),
    );
  });
});

describe("step tree", () => {
  const steps: Step[] = [
    { id: "a", type: "add_tag", tag: "x" },
    {
      id: "b",
      type: "branch",
      branches: [
        {
          conditions: { match: "all", groups: [] },
          steps: [
            { id: "b1", type: "stop" },
            { id: "b2", type: "stop" },
          ],
        },
      ],
      otherwise: [],
    },
    { id: "c", type: "stop" },
  ];
  it("walks into branches and back out to the step after them", () => {
    const tree = new StepTree(steps);
    expect(tree.first()).toBe("a");
    expect(tree.after("a")).toBe("b");
    expect(tree.after("b1")).toBe("b2");
    expect(tree.after("b2")).toBe("c");
    expect(tree.after("c")).toBeNull();
    const branch = tree.get("b");
    if (branch?.type !== "branch") throw new Error("not a branch");
    expect(tree.enter(branch.otherwise, "b")).toBe("c");
  });
  it("agents_available and customer_replied read what routing and the conversation say", () => {
    const busy = all({ type: "agents_available", available: false });
    expect(conditionsHold(busy, facts({ agentsAvailable: new Map([["", false]]) }))).toBe(true);
    expect(conditionsHold(busy, facts({ agentsAvailable: new Map([["", true]]) }))).toBe(false);
    const team = all({ type: "agents_available", available: true, team_id: "team_1" });
    expect(conditionsHold(team, facts({ agentsAvailable: new Map([["team_1", true]]) }))).toBe(
      true,
    );
    const silent = all({ type: "customer_replied", replied: false });
    expect(conditionsHold(silent, facts({ lastInboundAt: 100, runStartedAt: 100 }))).toBe(true);
    expect(conditionsHold(silent, facts({ lastInboundAt: 101, runStartedAt: 100 }))).toBe(false);
  });
});
