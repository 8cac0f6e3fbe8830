import { Download, FileUp } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Button,
  Dialog,
  Field,
  formatNumber,
  ProgressBar,
  problemMessage,
  Select,
  t,
} from "../../shared/ui";
import { type ContactField, contactFields } from "./api";

type ImportDto = components["schemas"]["ContactImport"];
type Report = components["schemas"]["ContactImportDryRun"];
type Policy = ImportDto["policy"];

const base = "/api/v1/contact-imports";
const POLL_MS = 1000;
const PLAIN = ["name", "phone", "email", "language", "timezone", "tags"] as const;
const CONSENT_CHANNELS = ["whatsapp", "sms", "email", "telegram", "messenger", "instagram"];
const POLICIES: Policy[] = ["skip", "fill_empty", "overwrite"];

/** What a column can become, for its select. */
function targetOptions(fields: ContactField[]) {
  return [
    { value: "", label: t("contacts.import.ignore") },
    ...PLAIN.map((p) => ({ value: p, label: t(`contacts.import.target.${p}`) })),
    ...fields.map((f) => ({
      value: `field:${f.key}`,
      label: t("contacts.import.target.field", { label: f.label }),
    })),
    ...CONSENT_CHANNELS.map((c) => ({
      value: `consent:${c}`,
      label: t("contacts.import.target.consent", { channel: t(`contacts.channel.${c}`) }),
    })),
  ];
}

/** Follows a committed import until it is done or failed. */
function useProgress(id: string | null, onDone: () => void) {
  const [job, setJob] = useState<ImportDto | null>(null);
  useEffect(() => {
    if (!id) return;
    let stopped = false;
    const poll = async () => {
      const now = await request<ImportDto>(`${base}/${id}`).catch(() => null);
      if (stopped) return;
      if (now) setJob(now);
      if (now?.status === "done") onDone();
      if (!now || now.status === "preparing" || now.status === "importing")
        setTimeout(poll, POLL_MS);
    };
    poll();
    return () => {
      stopped = true;
    };
  }, [id]);
  return job;
}

/** "Import CSV": upload, map the columns, check the file, import it and follow the progress. */
export function ImportButton({ onImported }: { onImported: () => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button icon={<FileUp size={16} />} onClick={() => setOpen(true)}>
        {t("contacts.import.button")}
      </Button>
      {open && <ImportDialog onClose={() => setOpen(false)} onImported={onImported} />}
    </>
  );
}

function ImportDialog({ onClose, onImported }: { onClose: () => void; onImported: () => void }) {
  const [draft, setDraft] = useState<ImportDto | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [committed, setCommitted] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const job = useProgress(committed, onImported);
  const act = async (step: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (problem) {
      setError(problemMessage(problem));
    } finally {
      setBusy(false);
    }
  };
  const upload = (file: File) =>
    act(async () => {
      const headers = { "content-type": "text/csv" };
      setDraft(await request<ImportDto>(base, { method: "POST", headers, body: file }));
    });
  const check = (changes: Pick<ImportDto, "mapping" | "policy" | "tags">) =>
    act(async () => {
      if (!draft) return;
      setDraft(await request<ImportDto>(`${base}/${draft.id}`, { method: "PATCH", json: changes }));
      setReport(await request<Report>(`${base}/${draft.id}/dry-run`, { method: "POST" }));
    });
  const commit = () =>
    act(async () => {
      if (!draft) return;
      await request<ImportDto>(`${base}/${draft.id}/commit`, { method: "POST" });
      setCommitted(draft.id);
    });
  return (
    <Dialog open onClose={onClose} title={t("contacts.import.title")} wide>
      <div class="stack contact-import" aria-busy={busy}>
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        {committed ? (
          <ImportProgress job={job} />
        ) : report && draft ? (
          <DryRun report={report} busy={busy} onBack={() => setReport(null)} onCommit={commit} />
        ) : draft ? (
          <Mapping draft={draft} busy={busy} onCheck={check} />
        ) : (
          <Field label={t("contacts.import.file")} hint={t("contacts.import.fileHint")}>
            <input
              class="input file-input"
              type="file"
              accept=".csv,text/csv"
              disabled={busy}
              onChange={(e) => {
                const file = e.currentTarget.files?.[0];
                if (file) upload(file);
              }}
            />
          </Field>
        )}
      </div>
    </Dialog>
  );
}

function Mapping({
  draft,
  busy,
  onCheck,
}: {
  draft: ImportDto;
  busy: boolean;
  onCheck: (changes: Pick<ImportDto, "mapping" | "policy" | "tags">) => void;
}) {
  const [mapping, setMapping] = useState(draft.mapping);
  const [policy, setPolicy] = useState<Policy>(draft.policy);
  const [tags, setTags] = useState(draft.tags.join(", "));
  const [fields, setFields] = useState<ContactField[]>([]);
  useEffect(() => {
    contactFields()
      .then(setFields)
      .catch(() => setFields([]));
  }, []);
  const options = targetOptions(fields);
  const submit = (e: Event) => {
    e.preventDefault();
    const batch = tags
      .split(",")
      .map((tag) => tag.trim())
      .filter(Boolean);
    onCheck({ mapping, policy, tags: batch });
  };
  return (
    <form class="stack" onSubmit={submit}>
      <table class="table import-mapping">
        <thead>
          <tr>
            <th scope="col">{t("contacts.import.column")}</th>
            <th scope="col">{t("contacts.import.example")}</th>
            <th scope="col">{t("contacts.import.becomes")}</th>
          </tr>
        </thead>
        <tbody>
          {draft.headers.map((header, i) => (
            <tr key={`${i}-${header}`}>
              <th scope="row">{header}</th>
              <td class="muted">{draft.sample[0]?.[i] ?? ""}</td>
              <td>
                <Select
                  aria-label={t("contacts.import.becomesColumn", { column: header })}
                  options={options}
                  value={mapping[i] ?? ""}
                  onChange={(e) => {
                    const next = [...mapping];
                    next[i] = e.currentTarget.value || null;
                    setMapping(next);
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Field label={t("contacts.import.policy")}>
        <Select
          options={POLICIES.map((p) => ({ value: p, label: t(`contacts.import.policy.${p}`) }))}
          value={policy}
          onChange={(e) => setPolicy(e.currentTarget.value as Policy)}
        />
      </Field>
      <Field label={t("contacts.import.tags")} hint={t("contacts.import.tagsHint")}>
        <input class="input" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
      </Field>
      <div class="form-actions">
        <Button type="submit" variant="primary" disabled={busy}>
          {t("contacts.import.check")}
        </Button>
      </div>
    </form>
  );
}

function DryRun({
  report,
  busy,
  onBack,
  onCommit,
}: {
  report: Report;
  busy: boolean;
  onBack: () => void;
  onCommit: () => void;
}) {
  const n = (value: number) => ({ n: formatNumber(value) });
  return (
    <div class="stack" data-testid="import-report">
      <ul class="import-counts">
        <li>{t("contacts.import.report.create", n(report.to_create))}</li>
        <li>{t("contacts.import.report.update", n(report.to_update))}</li>
        <li>{t("contacts.import.report.skip", n(report.to_skip))}</li>
        <li>{t("contacts.import.report.invalid", n(report.invalid))}</li>
        <li>{t("contacts.import.report.duplicates", n(report.duplicates))}</li>
      </ul>
      {report.unmapped_columns.length > 0 && (
        <p class="muted">
          {t("contacts.import.report.unmapped", { columns: report.unmapped_columns.join(", ") })}
        </p>
      )}
      {report.problems.map((problem) => (
        <section key={problem.kind} class="import-problems">
          <h3>
            {t("contacts.import.problemCount", {
              kind: t(`contacts.import.problem.${problem.kind}`),
              n: formatNumber(problem.count),
            })}
          </h3>
          <ul>
            {problem.examples.map((example) => (
              <li key={`${example.line}-${example.column}`}>
                {t("contacts.import.problemLine", {
                  line: formatNumber(example.line),
                  message: example.column
                    ? `${example.column}: ${example.message}`
                    : example.message,
                })}
              </li>
            ))}
          </ul>
        </section>
      ))}
      <div class="form-actions">
        <Button onClick={onBack} disabled={busy}>
          {t("contacts.import.back")}
        </Button>
        <Button variant="primary" onClick={onCommit} disabled={busy}>
          {t("contacts.import.commit")}
        </Button>
      </div>
    </div>
  );
}

function ImportProgress({ job }: { job: ImportDto | null }) {
  if (!job) return <p>{t("contacts.import.starting")}</p>;
  if (job.status === "failed")
    return <p class="form-error">{t("contacts.import.failed", { error: job.error ?? "" })}</p>;
  const counts = { done: formatNumber(job.rows_done), total: formatNumber(job.rows_in_file) };
  return (
    <div class="stack" aria-live="polite">
      <ProgressBar
        share={job.progress}
        label={t("contacts.import.progress")}
        valueText={t("contacts.import.rows", counts)}
      />
      <p class="muted">{t("contacts.import.rows", counts)}</p>
      {job.status === "done" ? (
        <>
          <p data-testid="import-done">
            {t("contacts.import.done", {
              created: formatNumber(job.created),
              updated: formatNumber(job.updated),
              skipped: formatNumber(job.skipped),
              invalid: formatNumber(job.invalid),
              duplicates: formatNumber(job.duplicates),
            })}
          </p>
          {job.errors_url && job.invalid + job.duplicates > 0 && (
            <a class="btn" href={job.errors_url} download>
              <Download size={16} aria-hidden="true" />
              {t("contacts.import.errors")}
            </a>
          )}
        </>
      ) : (
        <p class="muted">{t("contacts.import.keepOpen")}</p>
      )}
    </div>
  );
}
