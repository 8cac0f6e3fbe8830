// Seeds a demo workspace into a local D1 database (used by `npm run dev` and the benchmark).
import { spawnSync } from "node:child_process";
import { pbkdf2Sync, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const DEMO_LOGIN = { email: "admin@demo.local", password: "demo1234" };
/** The demo admin signs in to "Demo" and can switch to this one. */
export const DEMO_SECOND_WORKSPACE = "Demo Lisbon";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** The same id shape as worker/lib/ids.ts: prefix, 10 time chars, 16 random chars. */
export function newId(prefix, now = Date.now()) {
  let time = "";
  for (let i = 0, ms = now; i < 10; i++, ms = Math.floor(ms / 32)) time = CROCKFORD[ms % 32] + time;
  const random = Array.from(randomBytes(16), (b) => CROCKFORD[b % 32]).join("");
  return `${prefix}_${time}${random}`;
}

/** The stored form worker/lib/crypto.ts verifies: PBKDF2-SHA256, 100k iterations. */
export function hashPassword(password) {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, 100_000, 32, "sha256");
  return ["pbkdf2-sha256", 100_000, salt.toString("base64url"), hash.toString("base64url")].join(
    "$",
  );
}

/** The same sealed form as worker/lib/secret-box.ts: AES-256-GCM, `v1.<iv>.<ciphertext+tag>`. */
export async function seal(keyBase64Url, value) {
  const key = await crypto.subtle.importKey(
    "raw",
    Buffer.from(keyBase64Url, "base64url"),
    "AES-GCM",
    false,
    ["encrypt"],
  );
  const iv = randomBytes(12);
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv },
    key,
    Buffer.from(JSON.stringify(value)),
  );
  return `v1.${iv.toString("base64url")}.${Buffer.from(sealed).toString("base64url")}`;
}

const sqlString = (value) => (value === null ? "NULL" : `'${String(value).replaceAll("'", "''")}'`);
const insert = (table, row) =>
  `INSERT INTO ${table} (${Object.keys(row).join(", ")}) VALUES (${Object.values(row)
    .map((v) => (typeof v === "number" ? String(v) : sqlString(v)))
    .join(", ")});`;

function wrangler(args, persistTo) {
  const extra = persistTo ? ["--persist-to", persistTo] : [];
  const result = spawnSync("wrangler", [...args, "--local", ...extra], {
    encoding: "utf8",
    env: { ...process.env, CI: "true" },
  });
  if (result.status !== 0)
    throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stderr}${result.stdout}`);
  return result.stdout;
}

function query(sql, persistTo) {
  const out = wrangler(["d1", "execute", "DB", "--json", "--command", sql], persistTo);
  return JSON.parse(out.slice(out.indexOf("[")))[0].results;
}

/** The demo WhatsApp channel talks to the local fake platforms with these credentials. */
export const DEMO_WHATSAPP = {
  phone_number_id: "100000000000001",
  waba_id: "100000000000002",
  access_token: "demo-access-token",
  app_secret: "demo-app-secret",
  verify_token: "demo-verify-token",
};

/** The demo workspace's AI talks to the fake OpenAI-compatible API with this key. */
export const DEMO_AI_KEY = "sk-demo-local-fake";

/** AI on, pointed at the fake's OpenAI-compatible API, within a budget. */
const demoAiSettings = async (secretsKey, workspaceId, fakePlatformsUrl, now) =>
  insert("ai_settings", {
    workspace_id: workspaceId,
    enabled: 1,
    base_url: `${fakePlatformsUrl}/openai/v1`,
    model: "gpt-4o-mini",
    embedding_model: "text-embedding-3-small",
    api_key: await seal(secretsKey, { api_key: DEMO_AI_KEY }),
    api_key_last4: DEMO_AI_KEY.slice(-4),
    monthly_token_budget: 1_000_000,
    conversation_token_budget: 20_000,
    timeout_ms: 20_000,
    redact_pii: 0,
    updated_at: now,
  });

/** An assistant on the demo web chat, left off so the chat goes to people until someone tries it. */
const demoAssistant = (workspaceId, channelId, now) =>
  insert("ai_assistants", {
    id: newId("ast", now),
    workspace_id: workspaceId,
    name: "Website assistant",
    enabled: 0,
    instructions: "Be warm and brief. Ask for the order number when someone asks about a delivery.",
    channel_ids: JSON.stringify([channelId]),
    team_id: null,
    activation: "always",
    keywords: "[]",
    handoff_enabled: 1,
    handoff_message: "I'm passing you to a member of our team. They'll answer here shortly.",
    no_handoff_message:
      "I'm the assistant here and can't pass you to a person in this chat, but I'll do my best to help.",
    max_turns: 10,
    collect_fields: JSON.stringify(["name", "email"]),
    resolve_closes: 1,
    created_at: now,
    updated_at: now,
  });

/** The demo data as SQL. */
export async function demoSql(secretsKey, now = Date.now(), fakePlatformsUrl = null) {
  const org = newId("org", now);
  const ws = newId("ws", now);
  // a second location of the same brand, so the inbox's workspace switcher has somewhere to go
  const secondWs = newId("ws", now + 1);
  const admin = newId("usr", now);
  const channel = newId("ch", now);
  const contacts = [
    {
      name: "Ana García",
      phone: "+34612345678",
      email: "ana@example.com",
      language: "es",
      timezone: "Europe/Madrid",
      tags: ["vip"],
    },
    {
      name: "Bob Smith",
      phone: "+16505550101",
      email: "bob@example.com",
      language: "en",
      timezone: "America/Los_Angeles",
      tags: ["lead"],
    },
    {
      name: "Chloé Martin",
      phone: "+33612345678",
      email: "chloe@example.com",
      language: "fr",
      timezone: "Europe/Paris",
      tags: [],
    },
    {
      name: "Deniz Yılmaz",
      phone: "+905321234567",
      email: null,
      language: "tr",
      timezone: "Europe/Istanbul",
      tags: ["lead", "vip"],
    },
    {
      name: "Omar Haddad",
      phone: null,
      email: "omar@example.com",
      language: "ar",
      timezone: "Asia/Dubai",
      tags: [],
    },
  ];
  const statements = [
    insert("organizations", { id: org, name: "Demo Co", created_at: now }),
    insert("workspaces", {
      id: ws,
      organization_id: org,
      name: "Demo",
      default_country: "US",
      timezone: "UTC",
      close_reasons: JSON.stringify(["Resolved", "Duplicate", "No reply from customer"]),
      created_at: now,
    }),
    insert("workspaces", {
      id: secondWs,
      organization_id: org,
      name: DEMO_SECOND_WORKSPACE,
      default_country: "PT",
      timezone: "Europe/Lisbon",
      created_at: now + 1,
    }),
    insert("users", {
      id: admin,
      email: DEMO_LOGIN.email,
      name: "Demo Admin",
      password_hash: hashPassword(DEMO_LOGIN.password),
      created_at: now,
    }),
    insert("memberships", {
      workspace_id: ws,
      user_id: admin,
      role: "owner",
      active: 1,
      presence: "offline",
      created_at: now,
    }),
    insert("memberships", {
      workspace_id: secondWs,
      user_id: admin,
      role: "admin",
      active: 1,
      presence: "offline",
      created_at: now + 1,
    }),
    insert("channels", {
      id: channel,
      workspace_id: ws,
      type: "webchat",
      name: "Website chat",
      config: JSON.stringify({
        greeting: "Hi! How can we help?",
        brand_color: "#2563eb",
        position: "right",
      }),
      secrets: await seal(secretsKey, { identity_secret: randomBytes(32).toString("base64url") }),
      created_at: now,
    }),
  ];
  if (fakePlatformsUrl) {
    const { access_token, app_secret, ...visible } = DEMO_WHATSAPP;
    statements.push(
      insert("channels", {
        id: newId("ch", now + 1),
        workspace_id: ws,
        type: "whatsapp",
        name: "WhatsApp (local fake)",
        config: JSON.stringify({ ...visible, api_base_url: fakePlatformsUrl }),
        secrets: await seal(secretsKey, { access_token, app_secret }),
        created_at: now + 1,
      }),
      await demoAiSettings(secretsKey, ws, fakePlatformsUrl, now),
      demoAssistant(ws, channel, now),
    );
  }
  const labels = [
    ["billing", "#b4460b", "Invoices, refunds and payments"],
    ["bug", "#c81e1e", "Something is broken"],
    ["feedback", "#0e7c66", null],
    ["sales", "#2f5bea", "A lead asking about plans or prices"],
  ];
  labels.forEach(([name, colour, description], i) => {
    statements.push(
      insert("labels", {
        id: newId("lab", now + i),
        workspace_id: ws,
        name,
        colour,
        description,
        created_at: now + i,
      }),
    );
  });
  contacts.forEach((c, i) => {
    const id = newId("ct", now + i);
    statements.push(
      insert("contacts", {
        id,
        workspace_id: ws,
        name: c.name,
        phone: c.phone,
        email: c.email,
        language: c.language,
        timezone: c.timezone,
        custom_fields: "{}",
        consent: "{}",
        created_at: now + i,
        updated_at: now + i,
      }),
      ...c.tags.map((tag) => insert("contact_tags", { workspace_id: ws, contact_id: id, tag })),
    );
  });
  return { sql: statements.join("\n"), channelId: channel, workspaceId: ws };
}

/** Seeds the demo workspace when the local database has no users; returns the web-chat channel. */
export async function seedIfEmpty({ secretsKey, persistTo, fakePlatformsUrl = null } = {}) {
  const [{ n }] = query("SELECT count(*) AS n FROM users", persistTo);
  if (n > 0) {
    const [row] = query(
      "SELECT id FROM channels WHERE type = 'webchat' ORDER BY created_at LIMIT 1",
      persistTo,
    );
    return { seeded: false, channelId: row?.id ?? null };
  }
  const { sql, channelId } = await demoSql(secretsKey, Date.now(), fakePlatformsUrl);
  const dir = mkdtempSync(join(tmpdir(), "conversa-seed-"));
  try {
    const file = join(dir, "seed.sql");
    writeFileSync(file, sql);
    wrangler(["d1", "execute", "DB", "--file", file], persistTo);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { seeded: true, channelId };
}
