import { Download, FileDown } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../client/schema";
import { request } from "../shared/api";
import { Button, Dialog, formatNumber, ProgressBar, problemMessage, t } from "../shared/ui";

type ExportDto = components["schemas"]["Export"];
export type ExportRequest = components["schemas"]["ExportCreate"];

const POLL_MS = 1000;

/** Whole lists leave the workspace by a supervisor's hand. */
export const canExport = (me: { role: string }) =>
  me.role === "owner" || me.role === "admin" || me.role === "supervisor";

/** Follows an export until it is done or failed. */
function useExport(id: string | null) {
  const [job, setJob] = useState<ExportDto | null>(null);
  useEffect(() => {
    if (!id) return;
    let stopped = false;
    const poll = async () => {
      const now = await request<ExportDto>(`/api/v1/exports/${id}`).catch(() => null);
      if (stopped) return;
      if (now) setJob(now);
      if (!now || now.status === "running") setTimeout(poll, POLL_MS);
    };
    poll();
    return () => {
      stopped = true;
    };
  }, [id]);
  return job;
}

/**
 * "Export CSV": writes the list, as filtered, in the background; a dialog follows its progress
 * and offers the file once it is written.
 */
export function ExportButton({
  what,
  label = t("exports.button"),
  request: body,
}: {
  what: string;
  label?: string;
  request: () => ExportRequest;
}) {
  const [id, setId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const job = useExport(id);
  const start = async () => {
    setError(null);
    try {
      const started = await request<ExportDto>("/api/v1/exports", { method: "POST", json: body() });
      setId(started.id);
    } catch (problem) {
      setError(problemMessage(problem));
    }
  };
  const close = () => {
    setId(null);
    setError(null);
  };
  return (
    <>
      <Button icon={<FileDown size={16} />} onClick={start}>
        {label}
      </Button>
      <Dialog open={Boolean(id || error)} onClose={close} title={t("exports.title", { what })}>
        {error ? <p class="form-error">{error}</p> : <ExportProgress job={job} what={what} />}
      </Dialog>
    </>
  );
}

function ExportProgress({ job, what }: { job: ExportDto | null; what: string }) {
  if (!job) return <p>{t("exports.starting")}</p>;
  if (job.status === "failed") return <p class="form-error">{t("exports.failed")}</p>;
  const counts = {
    done: formatNumber(job.rows_done),
    total: formatNumber(job.rows_total),
  };
  return (
    <div class="stack">
      <ProgressBar
        share={job.progress}
        label={t("exports.progress", { what })}
        valueText={t("exports.rows", counts)}
      />
      <p class="muted">{t("exports.rows", counts)}</p>
      {job.download_url ? (
        <a class="btn primary" href={job.download_url} download>
          <Download size={16} aria-hidden="true" />
          {t("exports.download")}
        </a>
      ) : (
        <p class="muted">{t("exports.keepOpen")}</p>
      )}
    </div>
  );
}
