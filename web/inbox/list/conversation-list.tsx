import { ArrowUpDown, Search, SlidersHorizontal, X } from "lucide-preact";
import type { RefObject } from "preact";
import { useState } from "preact/hooks";
import { type Conversation, request } from "../../shared/api";
import {
  Button,
  EmptyState,
  IconButton,
  problemMessage,
  Select,
  SkeletonRows,
  t,
  toast,
} from "../../shared/ui";
import { BulkBar } from "./bulk-bar";
import { type Filters, SORTS, type Sort, type View } from "./filters";
import { ConversationRow, type Label, type Member } from "./row";

type SearchHit = { conversation_id: string; seq: number; snippet: string };

function sortName(sort: Sort) {
  if (sort === "newest") return t("inbox.sort.newest");
  if (sort === "oldest") return t("inbox.sort.oldest");
  if (sort === "waiting_longest") return t("inbox.sort.waitingLongest");
  return t("inbox.sort.slaDue");
}

/** What an empty list says, and what the agent can do about it, per view. */
function Empty({ view, filtered }: { view: View; filtered: boolean }) {
  if (filtered)
    return (
      <EmptyState title={t("inbox.empty.filteredTitle")}>
        {t("inbox.empty.filteredBody")}
      </EmptyState>
    );
  if (view === "mine")
    return <EmptyState title={t("inbox.empty.mineTitle")}>{t("inbox.empty.mineBody")}</EmptyState>;
  if (view === "unassigned")
    return (
      <EmptyState title={t("inbox.empty.unassignedTitle")}>
        {t("inbox.empty.unassignedBody")}
      </EmptyState>
    );
  if (view === "my_teams")
    return (
      <EmptyState title={t("inbox.empty.teamsTitle")}>{t("inbox.empty.teamsBody")}</EmptyState>
    );
  if (view === "mentions")
    return (
      <EmptyState title={t("inbox.empty.mentionsTitle")}>
        {t("inbox.empty.mentionsBody")}
      </EmptyState>
    );
  return <EmptyState title={t("inbox.empty.allTitle")}>{t("inbox.empty.allBody")}</EmptyState>;
}

/** Full-text search over messages: results replace the list until cleared. */
function SearchBox({
  inputRef,
  onResults,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  onResults: (hits: SearchHit[] | null) => void;
}) {
  const [query, setQuery] = useState("");
  const search = async (event: Event) => {
    event.preventDefault();
    if (!query.trim()) return onResults(null);
    try {
      const { data } = await request<{ data: SearchHit[] }>(
        `/api/v1/search/messages?q=${encodeURIComponent(query.trim())}`,
      );
      onResults(data);
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };
  return (
    <form class="list-search" onSubmit={search}>
      <Search size={16} aria-hidden="true" class="icon" />
      <input
        ref={inputRef}
        type="search"
        name="q"
        class="input"
        aria-label={t("inbox.search.label")}
        placeholder={t("inbox.search.placeholder")}
        value={query}
        onInput={(e) => {
          setQuery(e.currentTarget.value);
          if (!e.currentTarget.value) onResults(null);
        }}
      />
    </form>
  );
}

/** A search hit's snippet with the matched words ([word]) highlighted. */
function Snippet({ text }: { text: string }) {
  return (
    <>
      {text
        .split(/(\[[^\]]*\])/)
        .map((part, i) =>
          part.startsWith("[") && part.endsWith("]") ? (
            <mark key={i}>{part.slice(1, -1)}</mark>
          ) : (
            part
          ),
        )}
    </>
  );
}

export function ConversationList({
  title,
  filters,
  onSort,
  items,
  loading,
  hasMore,
  onMore,
  selected,
  search,
  members,
  labels,
  meId,
  searchRef,
  onOpenViews,
  onBulkDone,
}: {
  title: string;
  filters: Filters;
  onSort: (sort: Sort) => void;
  items: Conversation[];
  loading: boolean;
  hasMore: boolean;
  onMore: () => void;
  selected?: string;
  /** the list's filters in the address, kept by the links into conversations */
  search: string;
  members: Member[];
  labels: Label[];
  meId: string | null;
  searchRef: RefObject<HTMLInputElement | null>;
  onOpenViews: () => void;
  onBulkDone: (updated: Conversation[]) => void;
}) {
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const byId = new Map(members.map((m) => [m.id, m]));
  const visible = items.filter((c) => checked.has(c.id)).map((c) => c.id);
  const allChecked = items.length > 0 && visible.length === items.length;
  const check = (id: string, on: boolean) => {
    const next = new Set(checked);
    if (on) next.add(id);
    else next.delete(id);
    setChecked(next);
  };
  const filtered = Boolean(filters.label || filters.team_id);

  return (
    <section class="list" aria-label={t("inbox.list.label")}>
      <header class="list-head">
        <div class="list-title-row">
          <IconButton
            class="views-toggle"
            label={t("inbox.views.open")}
            icon={<SlidersHorizontal size={18} />}
            onClick={onOpenViews}
          />
          <h1 class="list-title">{title}</h1>
          <span class="list-sort">
            <ArrowUpDown size={14} aria-hidden="true" class="icon" />
            <Select
              name="sort"
              aria-label={t("inbox.sort.label")}
              value={filters.sort}
              onChange={(e) => onSort(e.currentTarget.value as Sort)}
              options={SORTS.map((s) => ({ value: s, label: sortName(s) }))}
            />
          </span>
        </div>
        <SearchBox inputRef={searchRef} onResults={setHits} />
        {hits === null && items.length > 0 && (
          <div class="list-tools">
            <label class="check select-all">
              <input
                type="checkbox"
                checked={allChecked}
                ref={(el) => {
                  if (el) el.indeterminate = visible.length > 0 && !allChecked;
                }}
                onChange={(e) =>
                  setChecked(new Set(e.currentTarget.checked ? items.map((c) => c.id) : []))
                }
              />
              <span>{t("inbox.bulk.selectAll")}</span>
            </label>
            {visible.length > 0 && (
              <BulkBar
                ids={visible}
                members={members}
                labels={labels}
                meId={meId}
                onClear={() => setChecked(new Set())}
                onDone={(updated) => {
                  setChecked(new Set());
                  onBulkDone(updated);
                }}
              />
            )}
          </div>
        )}
      </header>
      <div class="list-body">
        {hits !== null ? (
          <div class="hits">
            <div class="hits-head">
              <span>{t("inbox.search.results", { count: hits.length })}</span>
              <Button
                size="sm"
                variant="ghost"
                icon={<X size={14} />}
                onClick={() => setHits(null)}
              >
                {t("inbox.search.clear")}
              </Button>
            </div>
            {hits.length === 0 ? (
              <EmptyState title={t("inbox.search.noneTitle")}>
                {t("inbox.search.noneBody")}
              </EmptyState>
            ) : (
              <ul class="hit-list">
                {hits.map((h) => (
                  <li key={`${h.conversation_id}-${h.seq}`}>
                    <a href={`/c/${h.conversation_id}${search}`}>
                      <Snippet text={h.snippet} />
                    </a>
                  </li>
                ))}
              </ul>
            )}
          </div>
        ) : loading && items.length === 0 ? (
          <SkeletonRows rows={6} />
        ) : items.length === 0 ? (
          <Empty view={filters.view} filtered={filtered} />
        ) : (
          <ul class="rows">
            {items.map((c) => (
              <ConversationRow
                key={c.id}
                c={c}
                selected={c.id === selected}
                href={`/c/${c.id}${search}`}
                checked={checked.has(c.id)}
                onCheck={(on) => check(c.id, on)}
                members={byId}
                labels={labels}
                meId={meId}
              />
            ))}
          </ul>
        )}
        {hits === null && hasMore && (
          <Button class="more" variant="ghost" onClick={onMore} loading={loading}>
            {t("inbox.list.more")}
          </Button>
        )}
      </div>
    </section>
  );
}
