import { useState } from "preact/hooks";
import { ApiError } from "../../shared/api";
import { Field, fieldErrorsOf, formatNumber, problemMessage, t } from "../../shared/ui";
import { type CsvResult, uploadAudienceCsv } from "./api";
import type { AudiencePreview } from "./audience";

/** Refused rows shown by name; the rest are counted. */
const SHOWN_REFUSALS = 5;

/** A refused file in words: each refused row by its number, or what is wrong with the file. */
function csvProblem(error: unknown) {
  if (!(error instanceof ApiError)) return problemMessage(error);
  const fields = Object.entries(fieldErrorsOf(error));
  if (!fields.length) return problemMessage(error);
  return fields
    .map(([path, reason]) => {
      const row = /^rows\.(\d+)$/.exec(path)?.[1];
      return row ? t("broadcasts.csv.row", { row, reason }) : reason;
    })
    .join(" · ");
}

/** A CSV file picked for the audience, and what the API made of it once uploaded. */
export function useCsvUpload() {
  const [file, setFile] = useState<File | null>(null);
  const [result, setResult] = useState<CsvResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [uploads, setUploads] = useState(0);
  /** Uploads the file to the saved draft `id`: what it added, or null when it was refused. */
  const upload = async (id: string, chosen: File) => {
    setBusy(true);
    setError(null);
    try {
      const answer = await uploadAudienceCsv(id, chosen);
      setResult(answer);
      setUploads((n) => n + 1);
      setFile(null);
      return answer;
    } catch (e) {
      setError(csvProblem(e));
      return null;
    } finally {
      setBusy(false);
    }
  };
  return { file, result, error, busy, uploads, upload, choose: setFile };
}
export type CsvUploadState = ReturnType<typeof useCsvUpload>;

/**
 * The audience preview of a CSV audience: the contacts the file added when it is the draft's
 * only one; files add up (and may name the same contacts), so after more the count waits for
 * the start.
 */
export function csvPreview(csv: CsvUploadState, newDraft: boolean): AudiencePreview {
  const onlyFile = newDraft && csv.uploads === 1 && csv.result;
  if (onlyFile)
    return { kind: "ready", preview: { count: onlyFile.matched + onlyFile.created, sample: [] } };
  const waiting = newDraft && csv.uploads === 0;
  return {
    kind: "failed",
    message: waiting ? t("broadcasts.csv.countAfterUpload") : t("broadcasts.csv.countAtStart"),
  };
}

function CsvOutcome({ result }: { result: CsvResult }) {
  const refused = result.rejected.length;
  return (
    <div class="csv-outcome stack" aria-live="polite" data-testid="csv-outcome">
      <p>
        {t("broadcasts.csv.outcome", {
          count: result.rows,
          rows: formatNumber(result.rows),
          matched: formatNumber(result.matched),
          created: formatNumber(result.created),
        })}
      </p>
      {refused > 0 && (
        <div class="csv-refused">
          <p>
            <strong>
              {t("broadcasts.csv.refused", { count: refused, n: formatNumber(refused) })}
            </strong>
          </p>
          <ul>
            {result.rejected.slice(0, SHOWN_REFUSALS).map((r) => (
              <li key={r.row}>
                {t("broadcasts.csv.row", {
                  row: formatNumber(r.row),
                  reason: `${r.column} ${r.reason}`,
                })}
              </li>
            ))}
          </ul>
          {refused > SHOWN_REFUSALS && (
            <p class="muted small">
              {t("broadcasts.csv.moreRefused", {
                count: refused - SHOWN_REFUSALS,
                n: formatNumber(refused - SHOWN_REFUSALS),
              })}
            </p>
          )}
        </div>
      )}
    </div>
  );
}

/**
 * The file input of a CSV audience. Rows are matched against the channel's addresses, so a file
 * picked before the draft is saved goes up when it is (leaving the message step).
 */
export function CsvUpload({
  csv,
  saved,
  onFile,
}: {
  csv: CsvUploadState;
  saved: boolean;
  onFile: (file: File) => void;
}) {
  return (
    <div class="stack csv-upload">
      <Field
        label={t("broadcasts.csv.file")}
        hint={t("broadcasts.csv.columns")}
        error={csv.error ?? undefined}
      >
        <input
          class="input file-input"
          type="file"
          accept=".csv,text/csv"
          disabled={csv.busy}
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            if (file) onFile(file);
          }}
        />
      </Field>
      {csv.busy && <p class="muted small">{t("broadcasts.csv.uploading")}</p>}
      {csv.file && !saved && (
        <p class="muted small">{t("broadcasts.csv.pending", { name: csv.file.name })}</p>
      )}
      {csv.result && <CsvOutcome result={csv.result} />}
    </div>
  );
}
