// `npm run bench`, import case: a generated CSV of 100,000 contacts (2 % with an invalid phone, 5 %
// repeating an earlier row's phone) uploaded to a fresh local Conversa, committed, and followed to
// the end. Prints one line: the rows, the seconds from upload to committed, rows per second, the
// rows refused as invalid and as duplicates, and how many valid rows are not in the database
// exactly once (read straight from the local database file).
import { readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { setTimeout as sleep } from "node:timers/promises";
import { signInAsDemoAdmin, startConversa } from "../../scripts/local-server.mjs";

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);

/** Row i's phone: +1 212 2xx xxxx, a valid number in the demo workspace's country (US). */
const phoneOf = (i) =>
  `(212) ${200 + Math.floor(i / 10_000)}-${String(i % 10_000).padStart(4, "0")}`;
const e164Of = (i) => `+1212${200 + Math.floor(i / 10_000)}${String(i % 10_000).padStart(4, "0")}`;

/** The file, and the phones of the rows that should become contacts. */
function generate() {
  const lines = ["name,phone,email,tags"];
  const valid = [];
  let invalid = 0;
  let duplicates = 0;
  for (let i = 0; i < ROWS; i++) {
    if (i % 50 === 7) {
      invalid += 1;
      lines.push(`Reader ${i},12345,,bench`);
    } else if (i % 20 === 3) {
      duplicates += 1;
      lines.push(`"Reader ${i}, again",${phoneOf(i - 1)},,bench`);
    } else {
      valid.push(e164Of(i));
      lines.push(`Reader ${i},${phoneOf(i)},reader${i}@example.com,"bench; generated"`);
    }
  }
  return { csv: lines.join("\r\n"), valid, invalid, duplicates };
}

function databaseFile(persist) {
  const dir = join(persist, "v3", "d1", "miniflare-D1DatabaseObject");
  const file = readdirSync(dir).find(
    (name) => name.endsWith(".sqlite") && name !== "metadata.sqlite",
  );
  if (!file) throw new Error(`no D1 database under ${dir}`);
  return join(dir, file);
}

/** Valid rows not stored exactly once as an imported contact of the workspace. */
function lostRows(persist, workspaceId, valid) {
  const db = new DatabaseSync(databaseFile(persist), { readOnly: true });
  const stored = db
    .prepare(
      "SELECT phone, count(*) AS n FROM contacts WHERE workspace_id = ? AND source = 'import' GROUP BY phone",
    )
    .all(workspaceId);
  db.close();
  const once = new Set(stored.filter((row) => row.n === 1).map((row) => row.phone));
  return valid.filter((phone) => !once.has(phone)).length + stored.length - valid.length;
}

let persist = "";
const file = generate();
const server = await startConversa(8987, {
  dataRoot: tmpdir(),
  beforeStart: (dir) => {
    persist = dir;
  },
});
try {
  const { call } = await signInAsDemoAdmin(server.base);
  const me = await call("GET", "/api/v1/me");
  const begun = performance.now();
  const draft = await call("POST", "/api/v1/contact-imports", file.csv, "text/csv");
  await call("PATCH", `/api/v1/contact-imports/${draft.id}`, {
    mapping: ["name", "phone", "email", "tags"],
    policy: "skip",
  });
  await call("POST", `/api/v1/contact-imports/${draft.id}/commit`);
  let state = draft;
  while (state.status !== "done" && state.status !== "failed") {
    await sleep(200);
    state = await call("GET", `/api/v1/contact-imports/${draft.id}`);
  }
  const seconds = (performance.now() - begun) / 1000;
  if (state.status === "failed") throw new Error(`the import failed: ${state.error}`);
  const lost = lostRows(persist, me.workspace.id, file.valid);
  console.log(
    `import: rows=${ROWS} seconds=${seconds.toFixed(1)} rows_per_s=${Math.round(ROWS / seconds)} invalid=${state.invalid} duplicates=${state.duplicates} lost=${lost}`,
  );
  if (state.invalid !== file.invalid || state.duplicates !== file.duplicates)
    throw new Error(`expected invalid=${file.invalid} duplicates=${file.duplicates}`);
} finally {
  server.stop();
}
