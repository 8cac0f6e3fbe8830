import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { aiSettings } from "../../worker/db/schema";
import { api, db, expectProblem, json, newWorkspace } from "../helpers";
import { fakeOpenAi, putAiSettings } from "./ai-helpers";

const KEY = "sk-test-0123456789abcd";

const storedRow = (workspaceId: string) =>
  db().query.aiSettings.findFirst({ where: eq(aiSettings.workspaceId, workspaceId) });

describe("AI settings", () => {
  it("are off with OpenAI's defaults until an admin sets them", async () => {
    const ws = await newWorkspace();
    const settings = await json(await api("/api/v1/ai/settings", { cookie: ws.ownerCookie }));
    expect(settings).toEqual({
      enabled: false,
      base_url: "https://api.openai.com/v1",
      model: "gpt-4o-mini",
      embedding_model: "text-embedding-3-small",
      api_key_set: false,
      api_key_last4: null,
      monthly_token_budget: null,
      conversation_token_budget: null,
      timeout_ms: 20000,
      redact_pii: false,
      classify_on_arrival: false,
    });
  });

  it("keep the key sealed: answers show only that it is set and its last 4 characters", async () => {
    const ws = await newWorkspace();
    const { baseUrl } = fakeOpenAi();
    const saved = await json(
      await putAiSettings(ws.ownerCookie, {
        enabled: true,
        base_url: baseUrl,
        model: "gpt-4o",
        api_key: KEY,
        monthly_token_budget: 100000,
        conversation_token_budget: 2000,
        timeout_ms: 5000,
        redact_pii: true,
      }),
    );
    expect(saved).toMatchObject({
      enabled: true,
      base_url: baseUrl,
      model: "gpt-4o",
      api_key_set: true,
      api_key_last4: "abcd",
      monthly_token_budget: 100000,
      conversation_token_budget: 2000,
      timeout_ms: 5000,
      redact_pii: true,
    });
    const read = await api("/api/v1/ai/settings", { cookie: ws.ownerCookie });
    expect(await read.text()).not.toContain(KEY.slice(0, 10));
    const row = await storedRow(ws.id);
    expect(row?.apiKey).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(KEY.slice(0, 10));

    // fields left out keep their value; null removes the key (and AI cannot stay on without one)
    const kept = await json(await putAiSettings(ws.ownerCookie, { model: "gpt-4o-mini" }));
    expect(kept).toMatchObject({ enabled: true, api_key_set: true, base_url: baseUrl });
    const off = await json(await putAiSettings(ws.ownerCookie, { enabled: false, api_key: null }));
    expect(off).toMatchObject({ enabled: false, api_key_set: false, api_key_last4: null });
    expect((await storedRow(ws.id))?.apiKey).toBeNull();

    // the audit log tells who changed what, and of the key only that it changed
    const log = await api("/api/v1/audit-log?action=ai_settings.updated", {
      cookie: ws.ownerCookie,
    });
    const text = await log.text();
    expect(text).not.toContain(KEY.slice(0, 10));
    const { data } = JSON.parse(text) as { data: { changes: Record<string, unknown> }[] };
    expect(data.map((e) => e.changes)).toEqual([
      { enabled: false, api_key: "removed" },
      { model: "gpt-4o-mini" },
      expect.objectContaining({ base_url: baseUrl, api_key: "replaced", redact_pii: true }),
    ]);
  });

  it("refuse bad input with field paths and store nothing", async () => {
    const ws = await newWorkspace();
    const response = await api("/api/v1/ai/settings", {
      cookie: ws.ownerCookie,
      method: "PUT",
      body: {
        base_url: "ftp://models.example.com/v1",
        model: "",
        api_key: "line\nbreak",
        monthly_token_budget: -1,
        timeout_ms: 10,
        redact_pii: "yes",
        temperature: 2,
      },
    });
    const problem = await expectProblem(response, 422);
    expect(problem.errors?.map((e) => e.path).sort()).toEqual([
      "api_key",
      "base_url",
      "model",
      "monthly_token_budget",
      "redact_pii",
      "temperature",
      "timeout_ms",
    ]);
    expect(await storedRow(ws.id)).toBeUndefined();
  });

  it("refuse a base URL on a private address, and store nothing", async () => {
    const ws = await newWorkspace();
    for (const base_url of [
      "http://10.0.0.7/v1",
      "http://127.0.0.1:11434/v1",
      "http://ollama.local/v1",
    ]) {
      const response = await api("/api/v1/ai/settings", {
        cookie: ws.ownerCookie,
        method: "PUT",
        body: { enabled: true, base_url, api_key: KEY },
      });
      const problem = await expectProblem(response, 422);
      expect(problem.errors).toEqual([
        { path: "base_url", message: expect.stringContaining("must be a public address") },
      ]);
    }
    expect(await storedRow(ws.id)).toBeUndefined();
  });

  it("need a key to be on, and the key again when the base URL changes", async () => {
    const ws = await newWorkspace();
    const noKey = await api("/api/v1/ai/settings", {
      cookie: ws.ownerCookie,
      method: "PUT",
      body: { enabled: true },
    });
    expect((await expectProblem(noKey, 422)).errors?.[0]?.path).toBe("enabled");
    expect(await storedRow(ws.id)).toBeUndefined();

    await putAiSettings(ws.ownerCookie, {
      enabled: true,
      base_url: fakeOpenAi().baseUrl,
      api_key: KEY,
    });
    const moved = fakeOpenAi().baseUrl;
    const withoutKey = await api("/api/v1/ai/settings", {
      cookie: ws.ownerCookie,
      method: "PUT",
      body: { base_url: moved },
    });
    expect((await expectProblem(withoutKey, 422)).errors?.[0]?.path).toBe("api_key");
    expect((await storedRow(ws.id))?.baseUrl).not.toBe(moved);
    const withKey = await json(
      await putAiSettings(ws.ownerCookie, { base_url: moved, api_key: "sk-other-wxyz" }),
    );
    expect(withKey).toMatchObject({ base_url: moved, api_key_last4: "wxyz" });
  });

  it("are changed by admins only; agents see neither the address nor the key's end", async () => {
    const ws = await newWorkspace();
    const { baseUrl } = fakeOpenAi();
    await putAiSettings(ws.ownerCookie, { enabled: true, base_url: baseUrl, api_key: KEY });
    const admin = await (await ws.addMember("admin")).login();
    await putAiSettings(admin, { model: "gpt-4o" });
    for (const role of ["supervisor", "agent"] as const) {
      const cookie = await (await ws.addMember(role)).login();
      const refused = await api("/api/v1/ai/settings", {
        cookie,
        method: "PUT",
        body: { enabled: false },
      });
      await expectProblem(refused, 403);
      const seen = await json(await api("/api/v1/ai/settings", { cookie }));
      expect(seen).toMatchObject({ enabled: true, model: "gpt-4o", api_key_set: true });
      expect(seen).toMatchObject({ base_url: null, api_key_last4: null });
    }
    expect((await storedRow(ws.id))?.enabled).toBe(true);
  });
});
