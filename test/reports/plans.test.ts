import { describe, expect, it } from "vitest";
import { aiReport } from "../../worker/domain/reports/ai";
import { automationsReport } from "../../worker/domain/reports/automations";
import { broadcastsReport } from "../../worker/domain/reports/broadcasts";
import { contactsReport } from "../../worker/domain/reports/contacts";
import { labelsReport } from "../../worker/domain/reports/labels";
import { agentLeaderboard, teamsReport } from "../../worker/domain/reports/leaderboards";
import { busiestHours, conversationsReport, overviewNow } from "../../worker/domain/reports/read";
import { newWebchat, newWorkspace } from "../helpers";
import { planOf, recordingDb } from "../recorded-statements";
import {
  assistantDid,
  automationWithRuns,
  broadcastWithRuns,
  contactFirstSeen,
  timeoutAt,
  usageAt,
} from "./activity-fixtures";
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
    await labelsReport(db, ws.id, range);
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

  it("read broadcasts, automations, AI and contacts through their indexes, never the messages", async () => {
    const ws = await newWorkspace();
    const website = await newWebchat(ws.ownerCookie);
    const when = "2026-02-02T10:00:00Z";
    await broadcastWithRuns(ws.id, website.id, "News", [
      { startedAt: when, recipients: [{ status: "sent" }, { status: "failed" }] },
    ]);
    await automationWithRuns(ws.id, "Welcome", [{ startedAt: when, status: "completed" }]);
    await usageAt(ws.id, "assistant", when, 10, 2);
    await timeoutAt(ws.id, "assistant", when);
    await assistantDid(ws.id, "answer", when);
    await contactFirstSeen(ws.id, website.id, when);
    const { db, run } = recordingDb();
    const range = { from: "2026-01-01", to: "2026-06-29", timezone: "Europe/Madrid" };
    expect((await broadcastsReport(db, ws.id, range)).totals.recipients).toBe(2);
    expect((await automationsReport(db, ws.id, range)).totals.runs).toBe(1);
    expect((await aiReport(db, ws.id, range)).totals).toMatchObject({ calls: 1, answers: 1 });
    expect((await contactsReport(db, ws.id, range)).totals.new_contacts).toBe(1);

    const searches: Record<string, RegExp> = {
      broadcast_runs:
        /USING (COVERING )?INDEX broadcast_runs_started_idx \(workspace_id=\? AND started_at>\? AND started_at<\?\)/,
      broadcast_recipients:
        /USING (COVERING )?INDEX (broadcast_recipients_status_idx|sqlite_autoindex_broadcast_recipients_1) \(/,
      broadcasts: /USING INDEX sqlite_autoindex_broadcasts_1 \(id=\?\)/,
      automation_runs:
        /USING (COVERING )?INDEX automation_runs_started_idx \(workspace_id=\? AND started_at>\? AND started_at<\?\)/,
      automations: /USING INDEX sqlite_autoindex_automations_1 \(id=\?\)/,
      ai_usage: /USING (COVERING )?INDEX ai_usage_at_idx \(workspace_id=\? AND at>\? AND at<\?\)/,
      ai_calls:
        /USING (COVERING )?INDEX ai_calls_workspace_at_idx \(workspace_id=\? AND at>\? AND at<\?\)/,
      ai_assistant_activity:
        /USING (COVERING )?INDEX ai_assistant_activity_at_idx \(workspace_id=\? AND at>\? AND at<\?\)/,
      contacts:
        /USING COVERING INDEX contacts_created_source_idx \(workspace_id=\? AND created_at>\? AND created_at<\?\)/,
    };
    expect(run.length).toBeGreaterThanOrEqual(14);
    for (const statement of run) {
      expect(statement.sql).not.toMatch(/"messages"/);
      const plan = await planOf(statement);
      for (const step of plan) {
        expect(step, statement.sql).not.toMatch(/^SCAN (?!CONSTANT)/);
        const table = step.match(/^SEARCH (\w+)/)?.[1];
        if (table) expect(step, statement.sql).toMatch(searches[table] ?? /^$/);
      }
    }
  });
});
