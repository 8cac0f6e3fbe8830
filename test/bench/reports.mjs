// `npm run bench`, reports case: a workspace with 1,000,000 messages in 100,000 conversations
// over 180 days, written straight into the local database before the server starts (not through
// the API). The report counters are then built by the rebuild, and each report endpoint is timed
// over the last 30 and 180 days. Prints one line: the messages, the p95 of every report call,
// the slowest endpoint's p95, how long the rebuild took and the counters it wrote. (That no report
// reads the messages is a test: test/reports/plans.test.ts.)
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { signInAsDemoAdmin, startConversa } from "../../scripts/local-server.mjs";

const MESSAGES = Number(process.env.BENCH_REPORT_MESSAGES ?? 1_000_000);
const PER_CONVERSATION = 10;
const CONVERSATIONS = Math.ceil(MESSAGES / PER_CONVERSATION);
const DAYS = 180;
const DAY_MS = 86_400_000;
const CALLS_PER_ENDPOINT = 20;
const SOURCES = ["webchat", "whatsapp", "email", "manual", "api"];

/**
 * A small deterministic generator (mulberry32): the same history every run. 32-bit integer
 * arithmetic throughout, so no product loses precision and the sequence does not fall into a
 * short cycle.
 */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The local D1 database file under the data directory. */
function databaseFile(persist) {
  const dir = join(persist, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find(
    (name) => name.endsWith(".sqlite") && name !== "metadata.sqlite",
  );
  if (!file) throw new Error(`no D1 database under ${dir}`);
  return join(dir, file);
}

/** Conversations and their messages for the demo workspace, in one transaction. */
function writeHistory(persist, now) {
  const db = new DatabaseSync(databaseFile(persist));
  const { id: workspaceId } = db.prepare("SELECT id FROM workspaces WHERE name = 'Demo'").get();
  const channels = db
    .prepare("SELECT id FROM channels WHERE workspace_id = ? AND deleted_at IS NULL")
    .all(workspaceId)
    .map((row) => row.id);
  const agents = db
    .prepare("SELECT user_id FROM memberships WHERE workspace_id = ?")
    .all(workspaceId)
    .map((row) => row.user_id);
  const next = random(2026);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const contact = db.prepare(
    "INSERT INTO contacts (id, workspace_id, name, source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  const conversation = db.prepare(
    `INSERT INTO conversations (id, workspace_id, channel_id, contact_id, number, status, assignee_id,
      last_seq, last_activity_at, first_response_at, first_response_by, closed_at, closed_by, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const message = db.prepare(
    `INSERT INTO messages (id, workspace_id, conversation_id, seq, kind, sender_type, sender_id, text,
      origin, status, attachment_count, created_at) VALUES (?, ?, ?, ?, 'text', ?, ?, ?, ?, ?, 0, ?)`,
  );
  const labelled = db.prepare(
    "INSERT INTO conversation_labels (workspace_id, conversation_id, label) VALUES (?, ?, ?)",
  );
  const labels = db
    .prepare("SELECT name FROM labels WHERE workspace_id = ?")
    .all(workspaceId)
    .map((row) => row.name);
  const start = now - DAYS * DAY_MS;
  db.exec("BEGIN");
  for (let c = 0; c < CONVERSATIONS; c++) {
    const openedAt = Math.floor(start + next() * (DAYS * DAY_MS - DAY_MS));
    const contactId = `ct_bench${String(c).padStart(9, "0")}`;
    const id = `cv_bench${String(c).padStart(9, "0")}`;
    const agent = pick(agents);
    const times = [openedAt];
    for (let seq = 2; seq <= PER_CONVERSATION; seq++)
      times.push(times[seq - 2] + Math.floor(next() * 20 * 60_000) + 1000);
    const lastAt = times[PER_CONVERSATION - 1];
    // the first agent message (every second one is the agent's) is the first response
    const firstResponse = times[1] ?? null;
    const closed = next() < 0.8;
    contact.run(contactId, workspaceId, `Customer ${c}`, pick(SOURCES), openedAt, openedAt);
    conversation.run(
      id,
      workspaceId,
      pick(channels),
      contactId,
      1000 + c,
      closed ? "closed" : "open",
      agent,
      PER_CONVERSATION,
      lastAt,
      firstResponse,
      agent,
      closed ? lastAt : null,
      closed ? agent : null,
      openedAt,
    );
    // four conversations in ten carry a label
    if (labels.length && next() < 0.4) labelled.run(workspaceId, id, pick(labels));
    times.forEach((at, i) => {
      const fromCustomer = i % 2 === 0;
      message.run(
        `msg_bench${String(c * PER_CONVERSATION + i).padStart(10, "0")}`,
        workspaceId,
        id,
        i + 1,
        fromCustomer ? "contact" : "agent",
        fromCustomer ? null : agent,
        fromCustomer ? "Is my order on its way?" : "Let me check that for you",
        fromCustomer ? null : "agent",
        fromCustomer ? null : "delivered",
        at,
      );
    });
  }
  db.exec("COMMIT");
  db.close();
  return workspaceId;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const localDate = (at) => new Date(at).toISOString().slice(0, 10);

/** One report call's time; a call the API's rate limit turns away waits its turn, untimed. */
async function timed(cookie, url) {
  const begun = performance.now();
  const response = await fetch(url, { headers: { cookie } });
  await response.arrayBuffer();
  if (response.status === 429) {
    const seconds = Number(response.headers.get("retry-after") ?? 1);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return timed(cookie, url);
  }
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return performance.now() - begun;
}

const now = Date.now();
process.removeAllListeners("warning");
let workspaceId = "";
const server = await startConversa(8969, {
  dataRoot: tmpdir(),
  beforeStart: (persist) => {
    workspaceId = writeHistory(persist, now);
  },
});
try {
  const { cookie, call } = await signInAsDemoAdmin(server.base);
  const me = await call("GET", "/api/v1/me");
  if (me.workspace.id !== workspaceId) throw new Error("signed in to another workspace");
  const rebuildBegun = performance.now();
  const rebuilt = await call("POST", "/api/v1/reports/rebuild", { dry_run: false });
  const rebuildSeconds = (performance.now() - rebuildBegun) / 1000;
  const samples = [];
  const slowest = new Map();
  for (const days of [30, 180]) {
    const range = new URLSearchParams({
      from: localDate(now - (days - 1) * DAY_MS),
      to: localDate(now),
      timezone: "Europe/Madrid",
    });
    const endpoints = {
      conversations: `/api/v1/reports/conversations?${range}`,
      "busiest-hours": `/api/v1/reports/busiest-hours?${range}`,
      agents: `/api/v1/reports/agents?${range}`,
      teams: `/api/v1/reports/teams?${range}`,
      labels: `/api/v1/reports/labels?${range}`,
      csat: `/api/v1/reports/csat?${range}`,
      consolidated: `/api/v1/reports/consolidated?${range}`,
      broadcasts: `/api/v1/reports/broadcasts?${range}`,
      automations: `/api/v1/reports/automations?${range}`,
      ai: `/api/v1/reports/ai?${range}`,
      contacts: `/api/v1/reports/contacts?${range}`,
      overview: "/api/v1/reports/overview",
    };
    for (const [name, path] of Object.entries(endpoints)) {
      const times = [];
      for (let i = 0; i < CALLS_PER_ENDPOINT; i++) {
        times.push(await timed(cookie, `${server.base}${path}`));
      }
      times.sort((a, b) => a - b);
      samples.push(...times);
      slowest.set(`${name}_${days}d`, percentile(times, 95));
    }
  }
  samples.sort((a, b) => a - b);
  const [worstName, worstMs] = [...slowest].sort((a, b) => b[1] - a[1])[0];
  console.log(
    `reports: messages=${MESSAGES} p95_ms=${Math.round(percentile(samples, 95))} slowest=${worstName}:${Math.round(worstMs)} rebuild_s=${rebuildSeconds.toFixed(1)} counters=${rebuilt.counters}`,
  );
} finally {
  server.stop();
}
