import { Bot, FilterX, KeyRound, ScrollText } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Avatar,
  Badge,
  Button,
  type Column,
  DataTable,
  EmptyState,
  Field,
  fieldErrorsOf,
  formatDate,
  ListState,
  type Option,
  PageHeader,
  Pagination,
  problemMessage,
  rangeSummary,
  Select,
  TextInput,
  t,
  toast,
} from "../../shared/ui";
import "./developers.css";

type Entry = components["schemas"]["AuditEntry"];
type Facets = components["schemas"]["AuditFacets"];
type User = NonNullable<components["schemas"]["User"]>;
type ApiKey = components["schemas"]["ApiKey"];

const PAGE_SIZE = 50;

type Filters = { actor: string; action: string; target: string; from: string; to: string };
const NO_FILTERS: Filters = { actor: "", action: "", target: "", from: "", to: "" };

/** A date input's day, as the instant that day starts here (`days` later). */
const startOfDay = (day: string, days = 0) => {
  const date = new Date(`${day}T00:00:00`);
  date.setDate(date.getDate() + days);
  return date.toISOString();
};

function queryOf(filters: Filters, cursor: string | null) {
  const query = new URLSearchParams({ limit: String(PAGE_SIZE) });
  if (cursor) query.set("cursor", cursor);
  if (filters.actor) query.set("actor_id", filters.actor);
  if (filters.action) query.set("action", filters.action);
  if (filters.target) query.set("target_type", filters.target);
  if (filters.from) query.set("from", startOfDay(filters.from));
  // the whole "to" day is included
  if (filters.to) query.set("to", startOfDay(filters.to, 1));
  return query;
}

function actionOptions(actions: string[]): Option[] {
  const kinds = [...new Set(actions.map((a) => a.split(".")[0] ?? a))];
  return [
    ...kinds.map((kind) => ({ value: kind, label: t("audit-log.everyActionOn", { kind }) })),
    ...actions.map((a) => ({ value: a, label: a })),
  ];
}

function Actor({ actor }: { actor: Entry["actor"] }) {
  if (actor.type === "system")
    return (
      <span class="audit-actor">
        <Bot size={18} aria-hidden="true" class="icon" />
        {t("audit-log.system")}
      </span>
    );
  const name = actor.name ?? t("audit-log.unknownActor");
  return (
    <span class="audit-actor">
      {actor.type === "api_key" ? (
        <KeyRound size={18} aria-hidden="true" class="icon" />
      ) : (
        <Avatar name={name} size={28} />
      )}
      {name}
      {actor.type === "api_key" && <Badge>{t("audit-log.apiKey")}</Badge>}
    </span>
  );
}

const shown = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

function Changes({ changes }: { changes: Entry["changes"] }) {
  const entries = Object.entries(changes);
  if (entries.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="audit-changes">
      {entries.map(([key, value]) => (
        <li key={key} title={`${key}: ${shown(value)}`}>
          <b>{key}</b>: {shown(value)}
        </li>
      ))}
    </ul>
  );
}

const columns = (): Column<Entry>[] => [
  {
    key: "when",
    header: t("audit-log.when"),
    class: "audit-when",
    render: (e) => <time dateTime={e.created_at}>{formatDate(e.created_at)}</time>,
  },
  { key: "actor", header: t("audit-log.actor"), render: (e) => <Actor actor={e.actor} /> },
  {
    key: "action",
    header: t("audit-log.action"),
    render: (e) => <span class="audit-action">{e.action}</span>,
  },
  {
    key: "target",
    header: t("audit-log.object"),
    render: (e) => (
      <span class="audit-target">
        {e.target.type}
        {e.target.id && <code>{e.target.id}</code>}
      </span>
    ),
  },
  {
    key: "changes",
    header: t("audit-log.changes"),
    render: (e) => <Changes changes={e.changes} />,
  },
];

function useActorOptions(): Option[] {
  const [options, setOptions] = useState<Option[]>([]);
  useEffect(() => {
    Promise.all([
      request<{ data: User[] }>("/api/v1/users"),
      request<{ data: ApiKey[] }>("/api/v1/api-keys"),
    ]).then(
      ([users, keys]) =>
        setOptions([
          ...users.data.map((u) => ({ value: u.id, label: u.name })),
          ...keys.data.map((k) => ({
            value: k.id,
            label: t("audit-log.apiKeyNamed", { name: k.name }),
          })),
        ]),
      () => setOptions([]),
    );
  }, []);
  return options;
}

function useFacets(): Facets {
  const [facets, setFacets] = useState<Facets>({ actions: [], target_types: [] });
  useEffect(() => {
    request<Facets>("/api/v1/audit-log/facets").then(setFacets, () => {});
  }, []);
  return facets;
}

export default function AuditLog() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // the cursors of the pages before this one, and this one's
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const [page, setPage] = useState<{ data: Entry[]; next_cursor: string | null } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const actors = useActorOptions();
  const facets = useFacets();
  const cursor = cursors.at(-1) ?? null;

  useEffect(() => {
    let current = true;
    setErrors({});
    request<{ data: Entry[]; next_cursor: string | null }>(
      `/api/v1/audit-log?${queryOf(filters, cursor)}`,
    ).then(
      (next) => current && setPage(next),
      (error) => {
        if (!current) return;
        const fields = fieldErrorsOf(error);
        setErrors(fields);
        if (Object.keys(fields).length === 0) toast.error(problemMessage(error));
        setPage({ data: [], next_cursor: null });
      },
    );
    return () => {
      current = false;
    };
  }, [filters, cursor]);

  const set = (key: keyof Filters) => (e: Event) => {
    setFilters({ ...filters, [key]: (e.currentTarget as HTMLInputElement).value });
    setCursors([null]);
  };
  const filtered = Object.values(filters).some(Boolean);
  const first = (cursors.length - 1) * PAGE_SIZE + 1;

  return (
    <div class="page">
      <PageHeader title={t("settings.nav.audit-log")} description={t("audit-log.description")} />
      <search class="card audit-filters" aria-label={t("audit-log.filters")}>
        <Field label={t("audit-log.actor")}>
          <Select
            name="actor"
            value={filters.actor}
            placeholder={t("audit-log.anyone")}
            options={actors}
            onChange={set("actor")}
          />
        </Field>
        <Field label={t("audit-log.action")}>
          <Select
            name="action"
            value={filters.action}
            placeholder={t("audit-log.anyAction")}
            options={actionOptions(facets.actions)}
            onChange={set("action")}
          />
        </Field>
        <Field label={t("audit-log.objectType")}>
          <Select
            name="target_type"
            value={filters.target}
            placeholder={t("audit-log.anyObject")}
            options={facets.target_types.map((type) => ({ value: type, label: type }))}
            onChange={set("target")}
          />
        </Field>
        <Field
          label={t("audit-log.from")}
          error={errors["query.from"] && t("audit-log.errors.date")}
        >
          <TextInput type="date" name="from" value={filters.from} onChange={set("from")} />
        </Field>
        <Field label={t("audit-log.to")} error={errors["query.to"] && t("audit-log.errors.range")}>
          <TextInput type="date" name="to" value={filters.to} onChange={set("to")} />
        </Field>
        {filtered && (
          <Button
            variant="ghost"
            class="clear"
            icon={<FilterX size={16} />}
            onClick={() => {
              setFilters(NO_FILTERS);
              setCursors([null]);
            }}
          >
            {t("audit-log.clear")}
          </Button>
        )}
      </search>
      <ListState
        data={page?.data}
        rows={6}
        empty={
          <div class="card">
            <EmptyState
              icon={<ScrollText size={22} />}
              title={filtered ? t("audit-log.noMatches") : t("audit-log.emptyTitle")}
            >
              {filtered ? t("audit-log.noMatchesBody") : t("audit-log.emptyBody")}
            </EmptyState>
          </div>
        }
      >
        {(rows) => (
          <>
            <DataTable
              label={t("settings.nav.audit-log")}
              rows={rows}
              rowKey={(e) => e.id}
              columns={columns()}
              pageSize={PAGE_SIZE}
            />
            <Pagination
              summary={rangeSummary(first, first + rows.length - 1)}
              onPrevious={cursors.length > 1 ? () => setCursors(cursors.slice(0, -1)) : undefined}
              onNext={
                page?.next_cursor
                  ? () => setCursors([...cursors, page.next_cursor as string])
                  : undefined
              }
            />
          </>
        )}
      </ListState>
    </div>
  );
}
