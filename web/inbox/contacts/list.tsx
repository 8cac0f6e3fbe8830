import {
  Contact as ContactIcon,
  ListFilter,
  Megaphone,
  Plus,
  Search,
  UserPlus,
  X,
} from "lucide-preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import {
  Badge,
  Button,
  EmptyState,
  formatNumber,
  ListState,
  PageHeader,
  Pagination,
  rangeSummary,
  Select,
  t,
  useSelection,
} from "../../shared/ui";
import { useDebounced } from "../../shared/use-debounced";
import { canSendBroadcasts, pickContactsForBroadcast } from "../broadcasts/api";
import { canExport, ExportButton } from "../exports";
import { useSession } from "../session";
import {
  type ContactField,
  type ContactPage,
  contactFields,
  contactsExport,
  contactTags,
  type ListQuery,
  listContacts,
  PAGE_SIZE,
} from "./api";
import { ContactsTabs } from "./area-tabs";
import { describeFilter, FieldFilterDialog } from "./field-filter";
import { ImportButton } from "./import";
import { NewContactDialog } from "./new-contact";
import { ContactCards, ContactTable } from "./rows";
import { SaveAsSegment, SegmentSelect } from "./segments/contacts-filter";

const SORTS = [
  { value: "created:desc", label: () => t("contacts.sort.newest") },
  { value: "created:asc", label: () => t("contacts.sort.oldest") },
  { value: "name:asc", label: () => t("contacts.sort.nameAsc") },
  { value: "name:desc", label: () => t("contacts.sort.nameDesc") },
  { value: "last_activity:desc", label: () => t("contacts.sort.recentActivity") },
  { value: "last_activity:asc", label: () => t("contacts.sort.leastActivity") },
];

const INITIAL: ListQuery = {
  q: "",
  tag: "",
  segment: "",
  fields: [],
  sort: "created",
  order: "desc",
};

/** Pages read by cursor: the cursors behind us make "previous" possible. */
function usePagedContacts(query: ListQuery) {
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<ContactPage | null>(null);
  const [total, setTotal] = useState<{ count: number; capped: boolean } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const [reload, setReload] = useState(0);
  const key = JSON.stringify(query);
  // a new query starts again from the first page
  useEffect(() => setCursors([null]), [key]);
  const cursor = cursors.at(-1) ?? null;
  useEffect(() => {
    let live = true;
    setLoading(true);
    listContacts(query, cursor).then(
      (next) => {
        if (!live) return;
        setPage(next);
        setError(null);
        if (next.total !== null) setTotal({ count: next.total, capped: next.total_capped });
        setLoading(false);
      },
      (e) => {
        if (!live) return;
        setError(e);
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [key, cursor, reload]);
  const index = cursors.length - 1;
  return {
    page,
    total,
    error,
    loading,
    from: index * PAGE_SIZE + 1,
    next: page?.next_cursor
      ? () => setCursors((c) => [...c, page.next_cursor as string])
      : undefined,
    previous: index > 0 ? () => setCursors((c) => c.slice(0, -1)) : undefined,
    refresh: () => setReload((n) => n + 1),
  };
}

export default function ContactList() {
  const { route, query: params } = useLocation();
  const [search, setSearch] = useState("");
  // "Show contacts" on a segment links here with ?segment=
  const [query, setQuery] = useState<ListQuery>({ ...INITIAL, segment: params.segment ?? "" });
  const q = useDebounced(search);
  const effective = useMemo(() => ({ ...query, q }), [query, q]);
  const paged = usePagedContacts(effective);
  const [fields, setFields] = useState<ContactField[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  const [creating, setCreating] = useState(false);
  const [filtering, setFiltering] = useState(false);
  const { me } = useSession();
  const selection = useSelection();
  const sendBroadcast = () => {
    pickContactsForBroadcast(selection.ids());
    route("/broadcasts/new?from=contacts");
  };

  useEffect(() => {
    contactFields().then(setFields, () => setFields([]));
    contactTags().then(setTags, () => setTags([]));
  }, []);

  const filtered = Boolean(q || query.tag || query.segment || query.fields.length);
  const rows = paged.page?.data ?? [];
  const to = paged.from + rows.length - 1;
  const summary = !paged.page
    ? ""
    : paged.total
      ? t("common.rangeOf", {
          from: formatNumber(rows.length ? paged.from : 0),
          to: formatNumber(to),
          total: `${formatNumber(paged.total.count)}${paged.total.capped ? "+" : ""}`,
        })
      : rangeSummary(rows.length ? paged.from : 0, to);

  return (
    <main class="page contacts-page" id="main">
      <PageHeader
        title={t("app.contacts")}
        description={t("contacts.list.description")}
        actions={
          <>
            {canExport(me) && <ImportButton onImported={paged.refresh} />}
            {canExport(me) && (
              <ExportButton
                what={t("exports.what.contacts")}
                request={() => contactsExport(effective)}
              />
            )}
            <Button
              variant="primary"
              icon={<UserPlus size={16} />}
              onClick={() => setCreating(true)}
            >
              {t("contacts.new")}
            </Button>
          </>
        }
      />
      <ContactsTabs current="all" />

      <div class="toolbar contacts-toolbar">
        <label class="search-box">
          <Search size={16} class="icon" aria-hidden="true" />
          <span class="sr-only">{t("contacts.list.search")}</span>
          <input
            class="input"
            type="search"
            value={search}
            placeholder={t("contacts.list.searchPlaceholder")}
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
        <Select
          aria-label={t("contacts.list.tagFilter")}
          value={query.tag}
          placeholder={t("contacts.list.anyTag")}
          options={tags.map((tag) => ({ value: tag, label: tag }))}
          onChange={(e) => setQuery({ ...query, tag: e.currentTarget.value })}
        />
        <SegmentSelect
          value={query.segment}
          onChange={(segment) => setQuery({ ...query, segment })}
        />
        <Button
          icon={<ListFilter size={16} />}
          onClick={() => setFiltering(true)}
          disabled={fields.length === 0}
          title={fields.length === 0 ? t("contacts.list.noFieldsToFilter") : undefined}
        >
          {t("contacts.list.fieldFilter")}
        </Button>
        <SaveAsSegment query={effective} fields={fields} />
        <Select
          aria-label={t("contacts.list.sortBy")}
          value={`${query.sort}:${query.order}`}
          options={SORTS.map((s) => ({ value: s.value, label: s.label() }))}
          onChange={(e) => {
            const [sort, order] = e.currentTarget.value.split(":") as [
              ListQuery["sort"],
              ListQuery["order"],
            ];
            setQuery({ ...query, sort, order });
          }}
        />
      </div>

      {query.fields.length > 0 && (
        <ul class="filter-chips" aria-label={t("contacts.list.activeFilters")}>
          {query.fields.map((filter) => (
            <li key={filter}>
              <Badge tone="primary">
                {describeFilter(filter, fields)}
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={t("contacts.list.removeFilter", {
                    filter: describeFilter(filter, fields),
                  })}
                  onClick={() =>
                    setQuery({ ...query, fields: query.fields.filter((f) => f !== filter) })
                  }
                >
                  <X size={12} aria-hidden="true" />
                </button>
              </Badge>
            </li>
          ))}
          <li>
            <Button size="sm" variant="ghost" onClick={() => setQuery({ ...query, fields: [] })}>
              {t("contacts.list.clearFilters")}
            </Button>
          </li>
        </ul>
      )}

      {selection.size > 0 && (
        <div class="contacts-actions" role="toolbar" aria-label={t("contacts.list.selection")}>
          <span class="bulk-count">
            {t("contacts.list.selected", {
              count: selection.size,
              n: formatNumber(selection.size),
            })}
          </span>
          {canSendBroadcasts(me) && (
            <Button
              variant="primary"
              size="sm"
              icon={<Megaphone size={16} />}
              onClick={sendBroadcast}
            >
              {t("contacts.list.sendBroadcast")}
            </Button>
          )}
          <Button size="sm" variant="ghost" onClick={selection.clear}>
            {t("contacts.list.clearSelection")}
          </Button>
        </div>
      )}

      <ListState
        data={paged.error ? undefined : paged.page?.data}
        error={paged.error}
        onRetry={paged.refresh}
        rows={8}
        empty={
          filtered ? (
            <EmptyState icon={<Search size={22} />} title={t("contacts.list.noMatches")}>
              {t("contacts.list.noMatchesHint")}
            </EmptyState>
          ) : (
            <EmptyState
              icon={<ContactIcon size={22} />}
              title={t("contacts.list.emptyTitle")}
              action={
                <Button
                  variant="primary"
                  icon={<Plus size={16} />}
                  onClick={() => setCreating(true)}
                >
                  {t("contacts.new")}
                </Button>
              }
            >
              {t("contacts.list.emptyBody")}
            </EmptyState>
          )
        }
      >
        {(shown) => (
          <div aria-busy={paged.loading || undefined}>
            <ContactTable rows={shown} selection={selection} />
            <ContactCards rows={shown} selection={selection} />
            <Pagination summary={summary} onPrevious={paged.previous} onNext={paged.next} />
          </div>
        )}
      </ListState>

      <NewContactDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(contact) => {
          setCreating(false);
          route(`/contacts/${contact.id}`);
        }}
      />
      <FieldFilterDialog
        open={filtering}
        fields={fields}
        onClose={() => setFiltering(false)}
        onApply={(filter) => {
          setFiltering(false);
          if (!query.fields.includes(filter))
            setQuery({ ...query, fields: [...query.fields, filter] });
        }}
      />
    </main>
  );
}
