import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectProblem, json, newWebchat, newWorkspace } from "../helpers";
import { type AutomationDto, newAutomation, refusedPaths } from "./helpers";

async function workspaceWithRefs() {
  const ws = await newWorkspace();
  const cookie = ws.ownerCookie;
  const agent = await ws.addMember("agent");
  const post = async (path: string, body: unknown) =>
    json<{ id: string }>(await api(path, { cookie, body }));
  const team = await post("/api/v1/teams", { name: "Sales", member_ids: [agent.id] });
  const channel = await newWebchat(cookie);
  const snippet = await post("/api/v1/snippets", {
    shortcut: "price",
    title: "Price",
    body: "Our prices start at 10 €, {{contact.first_name|friend}}.",
  });
  await post("/api/v1/contact-fields", { key: "balance", label: "Balance", type: "number" });
  await post("/api/v1/labels", { name: "lead", colour: "#2f5bea" });
  return { ws, cookie, agent, team, channel, snippet };
}

const keywordReply = (snippetId: string, teamId: string) => ({
  name: "Price question",
  trigger: { type: "message.received", keywords: ["precio", "price"] },
  steps: [
    { id: "reply", type: "send_message", snippet_id: snippetId },
    { type: "add_tag", tag: "lead" },
    { type: "assign", team_id: teamId },
  ],
});

const rowsOf = async (workspaceId: string) =>
  (
    await env.DB.batch(
      ["automations", "automation_versions"].map((table) =>
        env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE workspace_id = ?`).bind(
          workspaceId,
        ),
      ),
    )
  ).map((r) => (r.results[0] as { n: number }).n);

describe("automations API", () => {
  it("creates a draft with ids on every step, activates, renames, duplicates, pauses and deletes it", async () => {
    const { ws, cookie, team, snippet } = await workspaceWithRefs();
    const created = await newAutomation(cookie, keywordReply(snippet.id, team.id), {
      draft: true,
    });
    expect(created).toMatchObject({
      name: "Price question",
      status: "draft",
      version: 1,
      trigger: { type: "message.received", keywords: ["precio", "price"], match: "word" },
      conditions: { match: "all", groups: [] },
      timing: { type: "immediately" },
      frequency: { type: "every_time" },
    });
    expect(created.steps.map((s) => s.id)).toEqual([
      "reply",
      expect.stringMatching(/^stp_/),
      expect.stringMatching(/^stp_/),
    ]);

    const active = await api(`/api/v1/automations/${created.id}/activate`, {
      cookie,
      method: "POST",
    });
    expect((await json<AutomationDto>(active)).status).toBe("active");

    // a rename is not a new version
    const renamed = await json<AutomationDto>(
      await api(`/api/v1/automations/${created.id}`, {
        cookie,
        method: "PATCH",
        body: { name: "Prices", description: "Answers price questions" },
      }),
    );
    expect(renamed).toMatchObject({ name: "Prices", version: 1, status: "active" });

    const copy = await api(`/api/v1/automations/${created.id}/duplicate`, {
      cookie,
      method: "POST",
    });
    expect(copy.status).toBe(201);
    const duplicate = await json<AutomationDto>(copy);
    expect(duplicate).toMatchObject({ name: "Prices (copy)", status: "draft", version: 1 });
    expect(duplicate.steps).toEqual(renamed.steps);

    const paused = await api(`/api/v1/automations/${created.id}/deactivate`, {
      cookie,
      body: { running: "stop" },
    });
    expect((await json<AutomationDto>(paused)).status).toBe("paused");

    const list = await json<{ data: AutomationDto[] }>(
      await api("/api/v1/automations?status=paused", { cookie }),
    );
    expect(list.data.map((a) => a.id)).toEqual([created.id]);

    expect(
      (await api(`/api/v1/automations/${created.id}`, { cookie, method: "DELETE" })).status,
    ).toBe(204);
    await expectProblem(await api(`/api/v1/automations/${created.id}`, { cookie }), 404);
    expect(await rowsOf(ws.id)).toEqual([1, 1]);
  });

  it("lists only the active automations a trigger type starts, such as those run by hand", async () => {
    const { cookie, team, snippet } = await workspaceWithRefs();
    const manual = await newAutomation(cookie, { name: "Follow up", trigger: { type: "manual" } });
    await newAutomation(cookie, { name: "Draft", trigger: { type: "manual" } }, { draft: true });
    await newAutomation(cookie, keywordReply(snippet.id, team.id));
    const listed = await json<{ data: AutomationDto[] }>(
      await api("/api/v1/automations?trigger=manual&status=active", { cookie }),
    );
    expect(listed.data.map((a) => a.name)).toEqual([manual.name]);
    const problem = await expectProblem(
      await api("/api/v1/automations?trigger=sometimes", { cookie }),
      422,
    );
    expect(problem.errors?.map((e) => e.path)).toEqual(["query.trigger"]);
  });

  it("makes a new version for each change of what it does, keeping step ids", async () => {
    const { cookie, team, snippet } = await workspaceWithRefs();
    const created = await newAutomation(cookie, keywordReply(snippet.id, team.id));
    const changed = await json<AutomationDto>(
      await api(`/api/v1/automations/${created.id}`, {
        cookie,
        method: "PATCH",
        body: { steps: [...created.steps, { type: "stop" }] },
      }),
    );
    expect(changed.version).toBe(2);
    expect(changed.steps.slice(0, 3)).toEqual(created.steps);
    const versions = await env.DB.prepare(
      "SELECT version, json_array_length(definition, '$.steps') AS steps FROM automation_versions WHERE automation_id = ? ORDER BY version",
    )
      .bind(created.id)
      .all();
    expect(versions.results).toEqual([
      { version: 1, steps: 3 },
      { version: 2, steps: 4 },
    ]);
  });

  it("refuses references to what the workspace lacks with each path, and stores nothing", async () => {
    const { ws, cookie, channel } = await workspaceWithRefs();
    const other = await workspaceWithRefs();
    const before = await rowsOf(ws.id);
    const response = await api("/api/v1/automations", {
      cookie,
      body: {
        name: "Broken",
        trigger: { type: "message.received", channel_ids: [channel.id, other.channel.id] },
        conditions: {
          groups: [
            {
              rules: [
                { type: "field", field: "nope", operator: "set" },
                { type: "business_hours", state: "open", business_hours_id: "bh_missing" },
              ],
            },
          ],
        },
        steps: [
          { type: "send_message", snippet_id: other.snippet.id },
          { type: "add_label", label: "unknown-label" },
          { type: "assign", team_id: other.team.id, user_id: other.agent.id },
          {
            type: "branch",
            branches: [
              {
                conditions: { groups: [{ rules: [{ type: "tag", operator: "has", tag: "vip" }] }] },
                steps: [
                  { type: "send_message", text: "Hi {{contact.nickname}}" },
                  { type: "update_field", field: "missing", value: 1 },
                ],
              },
            ],
            otherwise: [{ type: "start_automation", automation_id: "aut_missing" }],
          },
          {
            type: "send_message",
            template: { name: "nope", language: "en_US", variables: [] },
          },
          { type: "wait" },
        ],
      },
    });
    expect(await refusedPaths(response)).toEqual(
      [
        "trigger.channel_ids.1",
        "conditions.groups.0.rules.0.field",
        "conditions.groups.0.rules.1.business_hours_id",
        "steps.0.snippet_id",
        "steps.1.label",
        "steps.2.team_id",
        "steps.2.user_id",
        "steps.3.branches.0.steps.0.text",
        "steps.3.branches.0.steps.1.field",
        "steps.3.otherwise.0.automation_id",
        "steps.4.template.name",
        "steps.5.minutes",
      ].sort(),
    );
    expect(await rowsOf(ws.id)).toEqual(before);
  });

  it("refuses duplicate step ids, bad cron expressions and unknown step types with paths", async () => {
    const { cookie } = await workspaceWithRefs();
    const duplicateIds = await api("/api/v1/automations", {
      cookie,
      body: {
        name: "Twice",
        trigger: { type: "manual" },
        steps: [
          { id: "a", type: "stop" },
          { id: "a", type: "stop" },
        ],
      },
    });
    expect(await refusedPaths(duplicateIds)).toEqual(["steps.1.id"]);
    const cron = await api("/api/v1/automations", {
      cookie,
      body: { name: "Cron", trigger: { type: "schedule", cron: "61 * * * *" } },
    });
    expect(await refusedPaths(cron)).toEqual(["trigger.cron"]);
    const unknown = await api("/api/v1/automations", {
      cookie,
      body: { name: "Odd", trigger: { type: "manual" }, steps: [{ type: "teleport" }] },
    });
    expect(await refusedPaths(unknown)).toEqual(["steps.0.type"]);
  });

  it("keeps a webhook trigger's secret sealed and never returns it", async () => {
    const { cookie } = await workspaceWithRefs();
    const secret = "s3cret-s3cret-s3cret";
    const created = await newAutomation(cookie, {
      trigger: { type: "webhook", secret },
    });
    expect(created.has_secret).toBe(true);
    expect(JSON.stringify(created)).not.toContain(secret);
    const stored = await env.DB.prepare(
      "SELECT a.webhook_secret AS sealed, v.definition AS definition FROM automations a JOIN automation_versions v ON v.id = a.version_id WHERE a.id = ?",
    )
      .bind(created.id)
      .first<{ sealed: string; definition: string }>();
    expect(stored?.sealed).toMatch(/^v1\./);
    expect(stored?.definition).not.toContain(secret);
  });

  it("lets supervisors read, and only admins write", async () => {
    const { ws, cookie } = await workspaceWithRefs();
    const created = await newAutomation(cookie, { trigger: { type: "manual" } });
    const supervisor = await (await ws.addMember("supervisor")).login();
    const agent = await (await ws.addMember("agent")).login();
    expect((await api("/api/v1/automations", { cookie: supervisor })).status).toBe(200);
    await expectProblem(await api("/api/v1/automations", { cookie: agent }), 403);
    await expectProblem(
      await api(`/api/v1/automations/${created.id}`, {
        cookie: supervisor,
        method: "PATCH",
        body: { name: "Mine" },
      }),
      403,
    );
  });
});
