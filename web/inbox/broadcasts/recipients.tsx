import { RotateCw } from "lucide-preact";
import { useState } from "preact/hooks";
import {
  Badge,
  Button,
  EmptyState,
  formatDate,
  ListState,
  Pagination,
  Select,
  type Tone,
  t,
} from "../../shared/ui";
import { useCursorPages } from "../../shared/use-cursor-pages";
import { listRecipients, RECIPIENT_STATUSES, type Recipient, type RecipientStatus } from "./api";
import { exclusionReason } from "./describe";

const PAGE_SIZE = 50;
const TONES: Record<RecipientStatus, Tone> = {
  queued: "neutral",
  held: "neutral",
  sending: "primary",
  sent: "success",
  failed: "danger",
  excluded: "warning",
};

/** A reason the ledger records in words: exclusions have codes, failures the platform's text. */
const reasonOf = (r: Recipient) =>
  r.status === "excluded" && r.reason ? exclusionReason(r.reason) : r.reason;

/** The ledger page by page, read again when `version` changes (the counts moved). */
const useRecipients = (
  id: string,
  status: RecipientStatus | "",
  run: number | null,
  version: string,
) =>
  useCursorPages((cursor) => listRecipients(id, { status, run }, cursor), {
    key: `${id}:${status}:${run}`,
    pageSize: PAGE_SIZE,
    version,
  });

export function Recipients({
  id,
  run,
  version,
  failed,
  onRetryFailed,
  retrying,
}: {
  id: string;
  /** one run's recipients; the latest run's when null */
  run: number | null;
  version: string;
  failed: number;
  /** absent for those who may not send broadcasts */
  onRetryFailed?: () => void;
  retrying: boolean;
}) {
  const [status, setStatus] = useState<RecipientStatus | "">("");
  const paged = useRecipients(id, status, run, version);
  return (
    <section class="stack recipients" aria-labelledby="recipients-title">
      <div class="recipients-head">
        <h2 id="recipients-title">{t("broadcasts.recipients.title")}</h2>
        <Select
          aria-label={t("broadcasts.recipients.filter")}
          value={status}
          placeholder={t("broadcasts.recipients.all")}
          onChange={(e) => setStatus(e.currentTarget.value as RecipientStatus | "")}
          options={RECIPIENT_STATUSES.filter((s) => s !== "sending").map((s) => ({
            value: s,
            label: t(`broadcasts.recipientStatus.${s}`),
          }))}
        />
        {onRetryFailed && failed > 0 && (
          <Button icon={<RotateCw size={16} />} loading={retrying} onClick={onRetryFailed}>
            {t("broadcasts.retryFailed", { count: failed })}
          </Button>
        )}
      </div>
      <ListState
        data={paged.error ? undefined : paged.page?.data}
        error={paged.error}
        onRetry={paged.refresh}
        empty={<EmptyState title={t("broadcasts.recipients.empty")}>{""}</EmptyState>}
      >
        {(shown) => (
          <>
            <div class="table-wrap recipients-table">
              <table class="table" aria-label={t("broadcasts.recipients.title")}>
                <thead>
                  <tr>
                    <th scope="col">{t("broadcasts.recipients.contact")}</th>
                    <th scope="col">{t("broadcasts.recipients.status")}</th>
                    {shown.some((r) => r.variant) && (
                      <th scope="col">{t("broadcasts.recipients.variant")}</th>
                    )}
                    <th scope="col">{t("broadcasts.recipients.sentAt")}</th>
                    <th scope="col">{t("broadcasts.recipients.conversation")}</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((r) => (
                    <tr key={r.contact_id} data-status={r.status}>
                      <td>
                        <a href={`/contacts/${r.contact_id}`}>
                          {r.contact_name ?? t("broadcasts.recipients.unnamed")}
                        </a>
                      </td>
                      <td>
                        <span class="recipient-status">
                          <Badge tone={TONES[r.status]}>
                            {t(`broadcasts.recipientStatus.${r.status}`)}
                          </Badge>
                          {r.reason && <span class="recipient-reason">{reasonOf(r)}</span>}
                        </span>
                      </td>
                      {shown.some((other) => other.variant) && (
                        <td>{r.variant ? <Badge tone="neutral">{r.variant}</Badge> : "—"}</td>
                      )}
                      <td class="nowrap muted">{r.sent_at ? formatDate(r.sent_at) : "—"}</td>
                      <td>
                        {r.conversation_id ? (
                          <a href={`/c/${r.conversation_id}`}>{t("broadcasts.recipients.open")}</a>
                        ) : (
                          <span class="muted">—</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pagination {...paged.pager} />
          </>
        )}
      </ListState>
    </section>
  );
}
