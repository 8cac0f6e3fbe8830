import { api, expectProblem, json } from "../helpers";

export type AutomationDto = {
  id: string;
  name: string;
  status: string;
  version: number;
  trigger: Record<string, unknown>;
  steps: ({ id: string; type: string } & Record<string, unknown>)[];
  has_secret: boolean;
  updated_at: string;
};

export type RunDto = {
  id: string;
  status: string;
  version: number;
  contact_id: string | null;
  conversation_id: string | null;
  next_step_id: string | null;
  resume_at: string | null;
  error: string | null;
  messages_sent: number;
  steps: {
    step_id: string;
    iteration: number;
    type: string;
    status: string;
    output: Record<string, unknown> | null;
    error: string | null;
  }[];
};

/** Creates an automation through the API (and activates it unless `draft`). */
export async function newAutomation(
  cookie: string,
  body: Record<string, unknown>,
  { draft = false } = {},
): Promise<AutomationDto> {
  const response = await api("/api/v1/automations", { cookie, body: { name: "Test", ...body } });
  if (response.status !== 201)
    throw new Error(`automation failed: ${response.status} ${await response.text()}`);
  const automation = await json<AutomationDto>(response);
  if (draft) return automation;
  const activated = await api(`/api/v1/automations/${automation.id}/activate`, {
    cookie,
    method: "POST",
  });
  if (activated.status !== 200) throw new Error(`activate failed: ${await activated.text()}`);
  return json<AutomationDto>(activated);
}

/** The 422's field paths. */
export async function refusedPaths(response: Response) {
  const problem = await expectProblem(response, 422);
  return (problem.errors ?? []).map((e) => e.path).sort();
}

export async function runsOf(cookie: string, automationId: string, query = "") {
  const response = await api(`/api/v1/automations/${automationId}/runs${query}`, { cookie });
  if (response.status !== 200) throw new Error(`runs failed: ${await response.text()}`);
  return json<{ data: RunDto[]; next_cursor: string | null }>(response);
}

export async function runOf(cookie: string, runId: string) {
  const response = await api(`/api/v1/automation-runs/${runId}`, { cookie });
  if (response.status !== 200) throw new Error(`run failed: ${await response.text()}`);
  return json<RunDto>(response);
}
