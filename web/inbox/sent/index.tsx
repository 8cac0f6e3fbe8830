import { RotateCw, Search, Send } from "lucide-preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import {
  Button,
  confirmAction,
  EmptyState,
  ListState,
  PageHeader,
  Pagination,
  problemMessage,
  t,
  toast,
  useSelection,
} from "../../shared/ui";
import {
  type Channel,
  channelsOf,
  deleteFilter,
  type Filters,
  listSent,
  PAGE_SIZE,
  resend,
  type SavedFilter,
  savedFilters,
} from "./api";
import { ClearFilters, FilterBar, SavedFiltersMenu, SaveFilterDialog } from "./filters";
import { SentCards, SentTable } from "./rows";
import "./sent.css";
import { useCursorPages } from "../../shared/use-cursor-pages";
import { useDebounced } from "../../shared/use-debounced";

/** The history's pages for these filters, looked at again while a message is still queued. */
function usePagedHistory(filters: Filters) {
  const paged = useCursorPages((cursor) => listSent(filters, cursor), {
    key: JSON.stringify(filters),
    pageSize: PAGE_SIZE,
  });
  // a message still queued gets its delivery status in a moment: look again until none is
  const queued = paged.page?.data.some((m) => m.status === "queued") ?? false;
  useEffect(() => {
    if (!queued) return;
    const timer = setTimeout(paged.refresh, 2000);
    return () => clearTimeout(timer);
  }, [queued, paged.page]);
  return paged;
}

/** Sends the selected messages again and says how it went. */
async function resendSelected(ids: string[]) {
  const ok = await confirmAction({
    title: t("sent.resend.confirmTitle", { count: ids.length }),
    body: t("sent.resend.confirmBody"),
    confirm: t("sent.resend.action"),
  });
  if (!ok) return false;
  try {
    const results = await resend(ids);
    const sent = results.filter((r) => r.outcome === "sent").length;
    if (sent) toast.success(t("sent.resend.sent", { count: sent }));
    for (const r of results.filter((r) => r.outcome === "refused"))
      toast.error(t("sent.resend.refused", { reason: r.reason ?? "" }));
    return true;
  } catch (error) {
    toast.error(problemMessage(error));
    return false;
  }
}

export default function SentHistory() {
  const [filters, setFilters] = useState<Filters>({});
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim());
  const effective = useMemo(() => ({ ...filters, q: q || undefined }), [filters, q]);
  const paged = usePagedHistory(effective);
  const selection = useSelection();
  const [channels, setChannels] = useState<Channel[]>([]);
  const [saved, setSaved] = useState<SavedFilter[]>([]);
  const [saving, setSaving] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    channelsOf().then(setChannels, () => setChannels([]));
    savedFilters().then(setSaved, () => setSaved([]));
  }, []);
  useEffect(selection.clear, [JSON.stringify(effective)]);
  const filtered = Object.values(effective).some(Boolean);
  const apply = (filter: SavedFilter) => {
    setFilters({ ...filter.filters, q: undefined });
    setSearch(filter.filters.q ?? "");
  };
  const remove = async (filter: SavedFilter) => {
    try {
      await deleteFilter(filter.id);
      setSaved((list) => list.filter((f) => f.id !== filter.id));
      toast.success(t("sent.saved.deleted"));
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };
  const resendNow = async () => {
    setBusy(true);
    if (await resendSelected(selection.ids())) {
      selection.clear();
      paged.refresh();
    }
    setBusy(false);
  };

  return (
    <main class="page sent-page" id="main">
      <PageHeader
        title={t("sent.title")}
        description={t("sent.description")}
        actions={
          <SavedFiltersMenu
            saved={saved}
            onApply={apply}
            onSave={() => setSaving(true)}
            onDelete={remove}
          />
        }
      />
      <FilterBar
        filters={filters}
        search={search}
        channels={channels}
        onSearch={setSearch}
        onChange={setFilters}
      />
      {(selection.size > 0 || filtered) && (
        <div class="sent-actions" role="toolbar" aria-label={t("sent.resend.toolbar")}>
          {selection.size > 0 && (
            <>
              <span class="bulk-count">{t("sent.selected", { count: selection.size })}</span>
              <Button
                variant="primary"
                size="sm"
                icon={<RotateCw size={16} />}
                loading={busy}
                onClick={resendNow}
              >
                {t("sent.resend.action")}
              </Button>
            </>
          )}
          {filtered && (
            <ClearFilters
              onClear={() => {
                setFilters({});
                setSearch("");
              }}
            />
          )}
        </div>
      )}
      <ListState
        data={paged.error ? undefined : paged.page?.data}
        error={paged.error}
        onRetry={paged.refresh}
        rows={8}
        empty={
          filtered ? (
            <EmptyState icon={<Search size={22} />} title={t("sent.noMatches")}>
              {t("sent.noMatchesHint")}
            </EmptyState>
          ) : (
            <EmptyState icon={<Send size={22} />} title={t("sent.emptyTitle")}>
              {t("sent.emptyBody")}
            </EmptyState>
          )
        }
      >
        {(shown) => (
          <div>
            <SentTable rows={shown} selection={selection} />
            <SentCards rows={shown} selection={selection} />
            <Pagination {...paged.pager} />
          </div>
        )}
      </ListState>
      <SaveFilterDialog
        open={saving}
        filters={effective}
        onClose={() => setSaving(false)}
        onSaved={(filter) =>
          setSaved((list) => [...list, filter].sort((a, b) => a.name.localeCompare(b.name)))
        }
      />
    </main>
  );
}
