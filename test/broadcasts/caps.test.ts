import { describe, expect, it } from "vitest";
import { refusedPaths } from "../automations/helpers";
import { eventually } from "../channel-helpers";
import { api } from "../helpers";
import { act, addContacts, newBroadcast, sendsByChat, setup, statsOf } from "./helpers";

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** Long windows, aligned to the epoch: the test never straddles one's end. */
const WINDOW_HOURS = 720;
const windowEnd = (at: number) => {
  const length = WINDOW_HOURS * 3_600_000;
  return new Date((Math.floor(at / length) + 1) * length).toISOString();
};

describe("a sender's cap per window", () => {
  it("holds across two broadcasts on the same sender: the one over it waits, queued, and says why", async () => {
    const s = await setup(undefined, { max_per_window: { count: 3, hours: WINDOW_HOURS } });
    await addContacts(s, 2, "reachable", "first");
    await addContacts(s, 2, "reachable", "second");
    const first = await newBroadcast(s, { audience: { tags: ["first"] } });
    const second = await newBroadcast(s, { audience: { tags: ["second"] } });
    await act(s, first.id, "start");
    await act(s, second.id, "start");
    const both = async () => [await statsOf(s, first.id), await statsOf(s, second.id)];
    const stats = await eventually(async () => {
      const pair = await both();
      const sent = pair.reduce((n, one) => n + one.sent, 0);
      return sent === 3 && pair.some((one) => one.waiting_reason) ? pair : undefined;
    }, "three sent and one waiting");
    await pause(1500);
    const later = await both();
    expect(later.map((one) => one.sent)).toEqual(stats.map((one) => one.sent));
    const waiting = later.find((one) => one.waiting_reason);
    expect(waiting).toMatchObject({
      status: "running",
      queued: 1,
      waiting_reason: "max_per_window",
      waiting_until: windowEnd(Date.now()),
    });
    const sends = await sendsByChat(s);
    expect([...sends.values()].reduce((n, count) => n + count, 0)).toBe(3);
  });

  it("refuses a bad cap with its path", async () => {
    const s = await setup();
    const response = await api("/api/v1/channels", {
      cookie: s.cookie,
      body: {
        type: "telegram",
        name: "Capped",
        config: {
          bot_token: "123456789:AAB12345678901234567890",
          secret_token: "secret_token_value",
          max_per_window: { count: 0, hours: 24 },
        },
      },
    });
    expect(await refusedPaths(response)).toEqual(["config.max_per_window.count"]);
  });
});
