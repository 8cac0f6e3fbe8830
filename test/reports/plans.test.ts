import { describe, expect, it } from "vitest";
import {
  agentLeaderboard,
  busiestHours,
  conversationsReport,
  overviewNow,
  teamsReport,
} from "../../worker/domain/reports/read";
import { newWebchat, newWorkspace } from "../helpers";
import { planOf, recordingDb } from "../recorded-statements";
import { conversationAt, projectedAt } from "./helpers";

describe("reports' reads", () => {
  it("never read the messages, and find their counters by key, never by a scan", async () => {
    const ws = await newWorkspace();
    const website = await newWebchat(ws.ownerCookie);
    const at = Date.parse("2026-02-02T10:00:00Z");
    const id = await conversationAt(ws.id, website.id, at);
    await projectedAt(ws.id, id, at);
    const { db, run } = recordingDb();
    const range = { from: "2026-01-01", to: "2026-06-29", timezone: "Europe/Madrid" };
    const report = await conversationsReport(db, ws.id, range, "day");
    expect(report.totals.messages_in).toBe(1);
    await conversationsReport(db, ws.id, { ...range, channelId: website.id }, "hour");
    await busiestHours(db, ws.id, range);
    await agentLeaderboard(db, ws.id, range);
    await teamsReport(db, ws.id, range);
    await overviewNow(db, ws.id);

    expect(run.length).toBeGreaterThanOrEqual(6);
    for (const statement of run) {
      expect(statement.sql).not.toMatch(/"messages"/);
      const plan = await planOf(statement);
      const counters = plan.filter((step) => step.includes("report_rollups"));
      for (const step of counters)
        expect(step).toMatch(
          /^SEARCH report_rollups USING INDEX sqlite_autoindex_report_rollups_1 \(workspace_id=\? AND metric=\? AND dimension[=>]/,
        );
      for (const step of plan)
        expect(step, statement.sql).not.toMatch(/^SCAN (report_rollups|conversations)\b/);
    }
  });
});
