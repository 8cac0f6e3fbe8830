import { describe, expect, it } from "vitest";
import { eventually } from "../channel-helpers";
import { api, json, newWebchat, newWorkspace, visitorSays, visitorSession } from "../helpers";
import { type AutomationDto, newAutomation, refusedPaths, runsOf } from "./helpers";

type TemplateDto = {
  key: string;
  category: string;
  name: string;
  inputs: { key: string; kind: string; required: boolean; default?: unknown }[];
  preview: { trigger: { type: string } };
};

async function library() {
  const ws = await newWorkspace();
  const cookie = ws.ownerCookie;
  const agent = await ws.addMember("agent");
  const post = async (path: string, body: unknown) =>
    json<{ id: string }>(await api(path, { cookie, body }));
  const team = await post("/api/v1/teams", { name: "Sales", member_ids: [agent.id] });
  const channel = await newWebchat(cookie);
  await post("/api/v1/contact-fields", { key: "balance", label: "Balance", type: "text" });
  await post("/api/v1/contact-fields", { key: "csat", label: "CSAT", type: "text" });
  await post("/api/v1/labels", { name: "support", colour: "#2f5bea" });
  const templates = async (lang = "en") =>
    (
      await json<{ data: TemplateDto[] }>(
        await api(`/api/v1/automation-templates?lang=${lang}`, { cookie }),
      )
    ).data;
  const install = (key: string, inputs: Record<string, unknown>, extra = {}) =>
    api(`/api/v1/automation-templates/${key}/install`, { cookie, body: { inputs, ...extra } });
  /** The template's own sample answers, plus the workspace's team, channel and label. */
  const sampleInputs = (template: TemplateDto) =>
    Object.fromEntries(
      template.inputs.map((i) => [
        i.key,
        i.default ??
          (i.kind === "team" ? team.id : i.kind === "channels" ? [channel.id] : "support"),
      ]),
    );
  return { ws, cookie, team, channel, templates, install, sampleInputs };
}

const automationsOf = async (cookie: string) =>
  (await json<{ data: AutomationDto[] }>(await api("/api/v1/automations", { cookie }))).data;

async function installed(response: Response) {
  if (response.status !== 201) throw new Error(`install: ${await response.text()}`);
  return json<AutomationDto>(response);
}

async function activate(cookie: string, id: string) {
  const response = await api(`/api/v1/automations/${id}/activate`, { cookie, method: "POST" });
  expect(response.status).toBe(200);
}

/** The automation's (bot) replies in the conversation, oldest first. */
const botReplies = async (cookie: string, conversationId: string) =>
  (
    await json<{ data: { kind: string; text: string | null; sender: { type: string } }[] }>(
      await api(`/api/v1/conversations/${conversationId}/messages`, { cookie }),
    )
  ).data
    .filter((m) => m.kind === "text" && m.sender.type === "bot")
    .map((m) => m.text);

describe("the automation template library", () => {
  it("lists every template in English, Spanish, and English for the app's other languages", async () => {
    const { templates } = await library();
    const en = await templates("en");
    const es = await templates("es");
    const fr = await templates("fr");
    expect(en.map((t) => t.key)).toContain("keyword-support");
    expect(en.length).toBeGreaterThanOrEqual(10);
    const support = (list: TemplateDto[]) => list.find((t) => t.key === "keyword-support");
    expect(support(en)?.name).toBe("Support ticket by keyword");
    expect(support(es)?.name).toBe("Ticket de soporte por palabra clave");
    expect(support(fr)?.name).toBe(support(en)?.name);
    expect(support(en)?.preview.trigger).toEqual({
      type: "message.received",
      keywords: ["support", "soporte"],
      match: "word",
    });
  });

  it("every template installs as a valid draft from sample inputs", async () => {
    const { cookie, templates, install, sampleInputs } = await library();
    for (const template of await templates()) {
      const automation = await installed(await install(template.key, sampleInputs(template)));
      expect(automation).toMatchObject({ status: "draft", name: template.name });
      expect(automation.trigger.type).toBe(template.preview.trigger.type);
    }
    expect((await automationsOf(cookie)).length).toBe((await templates()).length);
  });

  it("refuses bad inputs at their paths and stores nothing", async () => {
    const { cookie, install, team } = await library();
    const refused = await install("keyword-support", {
      keywords: ["soporte", "STOP"],
      team_id: "team_nope",
      per_day: 0,
      message: "Ticket #{{conversation.number}}",
    });
    expect(await refusedPaths(refused)).toEqual([
      "inputs.keywords",
      "inputs.label",
      "inputs.per_day",
    ]);
    const missingRefs = await install("keyword-support", {
      keywords: ["soporte"],
      team_id: "team_nope",
      label: "nolabel",
      per_day: 3,
      message: "Ticket #{{conversation.number}} {{contact.nope}}",
    });
    expect(await refusedPaths(missingRefs)).toEqual([
      "inputs.label",
      "inputs.message",
      "inputs.team_id",
    ]);
    const welcome = await install("welcome-menu", {
      question: "Hi?",
      choice_1: "Sales",
      team_1: team.id,
      choice_2: "Support",
      team_2: "team_gone",
    });
    expect(await refusedPaths(welcome)).toEqual(["inputs.team_2"]);
    expect(await refusedPaths(await install("keyword-balance", { extra: 1 }))).toEqual([
      "inputs.extra",
      "inputs.field",
      "inputs.keywords",
      "inputs.message",
    ]);
    expect(
      (await api("/api/v1/automation-templates/nope/install", { cookie, body: {} })).status,
    ).toBe(404);
    expect(await automationsOf(cookie)).toEqual([]);
  });

  it("the balance keywords answer SALDO, “sáldo” and “deuda?” with the contact's field, whole words only", async () => {
    const { cookie, channel, install } = await library();
    const automation = await installed(
      await install(
        "keyword-balance",
        {
          keywords: ["balance", "saldo", "deuda"],
          field: "balance",
          message: "Tu saldo es {{balance}}.",
        },
        { lang: "es" },
      ),
    );
    await activate(cookie, automation.id);
    const visitor = await visitorSession(channel.id);
    const { conversation_id: conversationId } = await visitorSays(visitor.token, "hola");
    await api(`/api/v1/contacts/${visitor.visitor_id}`, {
      cookie,
      method: "PATCH",
      body: { custom_fields: { balance: "120 €" } },
    });
    for (const text of ["SALDO", "mi sáldo por favor", "deuda?", "saldos", "STOP"])
      await visitorSays(visitor.token, text);
    const replies = await eventually(async () => {
      const texts = await botReplies(cookie, conversationId);
      return texts.length >= 3 && texts;
    }, "three balance replies");
    expect(replies).toEqual(["Tu saldo es 120 €.", "Tu saldo es 120 €.", "Tu saldo es 120 €."]);
    const { data: runs } = await runsOf(cookie, automation.id);
    expect(runs.length).toBe(3);
  });

  it("soporte opens a ticket with its number, at most N per contact per day", async () => {
    const { cookie, channel, install, team } = await library();
    const automation = await installed(
      await install("keyword-support", {
        keywords: ["support", "soporte"],
        team_id: team.id,
        label: "support",
        per_day: 2,
        message: "Abrimos el ticket #{{conversation.number}}.",
      }),
    );
    await activate(cookie, automation.id);
    const visitor = await visitorSession(channel.id);
    const numbers: number[] = [];
    for (let ticket = 1; ticket <= 3; ticket++) {
      const { conversation_id: id } = await visitorSays(visitor.token, "Necesito SOPORTE");
      // this ticket's run has finished (or was held by the limit)
      await eventually(async () => {
        const { data } = await runsOf(cookie, automation.id);
        return (
          data.length >= ticket && data.every((r) => !["running", "waiting"].includes(r.status))
        );
      }, `run ${ticket}`);
      const conversation = await eventually(async () => {
        const c = await json<{ number: number; team_id: string | null; labels: string[] }>(
          await api(`/api/v1/conversations/${id}`, { cookie }),
        );
        return (ticket > 2 || c.labels.includes("support")) && c;
      }, `ticket ${ticket}`);
      const replies = await botReplies(cookie, id);
      if (ticket <= 2) {
        expect(conversation).toMatchObject({ team_id: team.id, labels: ["support"] });
        expect(replies).toEqual([`Abrimos el ticket #${conversation.number}.`]);
        numbers.push(conversation.number);
      } else expect(replies).toEqual([]);
      await api(`/api/v1/conversations/${id}/status`, { cookie, body: { status: "closed" } });
    }
    expect(new Set(numbers).size).toBe(2);
    const { data: runs } = await runsOf(cookie, automation.id);
    expect(runs.map((r) => r.status).sort()).toEqual(["completed", "completed", "limited"]);
  });

  it("out of hours replies once a day while the workspace's hours are closed, never while open", async () => {
    const { cookie, channel, install } = await library();
    const hours = await json<{ id: string }>(
      await api("/api/v1/business-hours", {
        cookie,
        body: { name: "Office", timezone: "Europe/Madrid", weekly: [] },
      }),
    );
    await api("/api/v1/workspace/settings", {
      cookie,
      method: "PATCH",
      body: { business_hours_id: hours.id },
    });
    const setWeekly = (weekly: unknown[]) =>
      api(`/api/v1/business-hours/${hours.id}`, { cookie, method: "PATCH", body: { weekly } });
    const automation = await installed(
      await install("out-of-hours", { message: "We are closed; back soon." }),
    );
    await activate(cookie, automation.id);
    const runsDone = (count: number) =>
      eventually(async () => {
        const { data } = await runsOf(cookie, automation.id);
        return data.length >= count && data;
      }, `${count} runs`);

    const early = await visitorSession(channel.id);
    const { conversation_id: closedHours } = await visitorSays(early.token, "hello?");
    await visitorSays(early.token, "anyone there?");
    const both = await runsDone(2);
    expect(both.map((r) => r.status).sort()).toEqual(["completed", "limited"]);
    expect(await botReplies(cookie, closedHours)).toEqual(["We are closed; back soon."]);

    // a witness: once its run for "ping" exists, the messages before it were taken in order
    const witness = await newAutomation(cookie, {
      trigger: { type: "message.received", keywords: ["ping"], match: "word" },
      steps: [{ type: "add_tag", tag: "seen" }],
    });
    await setWeekly([0, 1, 2, 3, 4, 5, 6].map((day) => ({ day, open: "00:00", close: "24:00" })));
    const late = await visitorSession(channel.id);
    const { conversation_id: openHours } = await visitorSays(late.token, "hello, open?");
    await visitorSays(late.token, "ping");
    await eventually(async () => (await runsOf(cookie, witness.id)).data.length === 1, "witness");
    expect(await botReplies(cookie, openHours)).toEqual([]);
    expect((await runsOf(cookie, automation.id)).data.length).toBe(2);
  });
});
