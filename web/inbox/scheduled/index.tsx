import { CalendarClock, Search } from "lucide-preact";
import { useState } from "preact/hooks";
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
} from "../../shared/ui";
import {
  type CalendarFilters,
  cancelOne,
  cancelSequence,
  DEFAULT_FILTERS,
  listScheduled,
  PAGE_SIZE,
  type ScheduledItem,
} from "./api";
import { groupByDay } from "./days";
import { CalendarFilterBar } from "./filters";
import { AgendaCards, AgendaTable, type RowActions } from "./rows";
import "./scheduled.css";
import { useCursorPages } from "../../shared/use-cursor-pages";

/** The calendar's pages for these filters. */
const usePagedCalendar = (filters: CalendarFilters) =>
  useCursorPages((cursor) => listScheduled(filters, cursor), {
    key: JSON.stringify(filters),
    pageSize: PAGE_SIZE,
  });

/** Asks first, then cancels; true when something was cancelled. */
async function confirmed(title: string, body: string, run: () => Promise<unknown>) {
  if (!(await confirmAction({ title, body, confirm: t("scheduled.cancelConfirm"), danger: true })))
    return false;
  try {
    await run();
    return true;
  } catch (error) {
    toast.error(problemMessage(error));
    return false;
  }
}

function useCancelActions(refresh: () => void): RowActions {
  const who = (item: ScheduledItem) => item.contact.name ?? t("scheduled.unnamed");
  return {
    cancel: async (item) => {
      const done = await confirmed(
        t("scheduled.cancelTitle"),
        t("scheduled.cancelBody", { contact: who(item) }),
        () => cancelOne(item.id),
      );
      if (!done) return;
      toast.success(t("scheduled.cancelled"));
      refresh();
    },
    cancelSequence: async (item) => {
      const done = await confirmed(
        t("scheduled.cancelSequenceTitle"),
        t("scheduled.cancelSequenceBody", { contact: who(item) }),
        () => cancelSequence(item.sequence_id as string),
      );
      if (!done) return;
      toast.success(t("scheduled.sequenceCancelled"));
      refresh();
    },
  };
}

/** Every scheduled message of the workspace, day by day: single, repeating and sequences. */
export default function ScheduledCalendar() {
  const [filters, setFilters] = useState<CalendarFilters>(DEFAULT_FILTERS);
  const paged = usePagedCalendar(filters);
  const actions = useCancelActions(paged.refresh);
  const filtered = JSON.stringify(filters) !== JSON.stringify(DEFAULT_FILTERS);
  return (
    <main class="page agenda-page" id="main">
      <PageHeader title={t("scheduled.title")} description={t("scheduled.description")} />
      <CalendarFilterBar filters={filters} onChange={setFilters} />
      <ListState
        data={paged.error ? undefined : paged.page?.data}
        error={paged.error}
        onRetry={paged.refresh}
        rows={8}
        empty={
          filtered ? (
            <EmptyState
              icon={<Search size={22} />}
              title={t("scheduled.noMatches")}
              action={
                <Button size="sm" onClick={() => setFilters(DEFAULT_FILTERS)}>
                  {t("scheduled.clearFilters")}
                </Button>
              }
            >
              {t("scheduled.noMatchesHint")}
            </EmptyState>
          ) : (
            <EmptyState icon={<CalendarClock size={22} />} title={t("scheduled.emptyTitle")}>
              {t("scheduled.emptyBody")}
            </EmptyState>
          )
        }
      >
        {(shown) => {
          const days = groupByDay(shown);
          return (
            <div>
              <AgendaTable days={days} actions={actions} />
              <AgendaCards days={days} actions={actions} />
              <Pagination {...paged.pager} />
            </div>
          );
        }}
      </ListState>
    </main>
  );
}
