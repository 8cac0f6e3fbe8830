import {
  AtSign,
  Bookmark,
  BookmarkPlus,
  Inbox as InboxIcon,
  MoreHorizontal,
  Pencil,
  Trash2,
  User,
  Users,
  UserX,
} from "lucide-preact";
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import { request } from "../../shared/api";
import {
  confirmAction,
  Field,
  FormDialog,
  formatNumber,
  IconButton,
  Menu,
  Select,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import type { Me } from "../me";
import { WorkspaceSwitcher } from "../workspace-switcher";
import {
  type Filters,
  filtersOf,
  type SavedView,
  STATUSES,
  type Status,
  savedFilters,
  VIEWS,
  type View,
} from "./filters";
import type { Label } from "./row";

export type Counts = Partial<Record<View, { count: number; more: boolean }>>;
type Team = { id: string; name: string };

const VIEW_ICONS: Record<View, ComponentChildren> = {
  mine: <User size={16} aria-hidden="true" />,
  unassigned: <UserX size={16} aria-hidden="true" />,
  my_teams: <Users size={16} aria-hidden="true" />,
  mentions: <AtSign size={16} aria-hidden="true" />,
  all: <InboxIcon size={16} aria-hidden="true" />,
};

export function viewName(view: View) {
  if (view === "mine") return t("inbox.views.mine");
  if (view === "unassigned") return t("inbox.views.unassigned");
  if (view === "my_teams") return t("inbox.views.myTeams");
  if (view === "mentions") return t("inbox.views.mentions");
  return t("inbox.views.all");
}

export function statusName(status: Status) {
  if (status === "open") return t("inbox.status.open");
  if (status === "pending") return t("inbox.status.pending");
  if (status === "snoozed") return t("inbox.status.snoozed");
  if (status === "closed") return t("inbox.status.closed");
  return t("inbox.status.any");
}

/** Create (from the current filters) or rename a saved view. */
function SavedViewDialog({
  editing,
  filters,
  onClose,
  onSaved,
}: {
  editing: SavedView | "new" | null;
  filters: Filters;
  onClose: () => void;
  onSaved: (view: SavedView) => void;
}) {
  const current = editing !== "new" ? editing : null;
  const [name, setName] = useState(current?.name ?? "");
  const form = useSubmit(
    async () => {
      const saved = current
        ? await request<SavedView>(`/api/v1/saved-views/${current.id}`, {
            method: "PATCH",
            json: { name },
          })
        : await request<SavedView>("/api/v1/saved-views", {
            method: "POST",
            json: { name, filters: savedFilters(filters) },
          });
      onSaved(saved);
      onClose();
    },
    { success: current ? t("inbox.saved.renamed") : t("inbox.saved.created"), inline: true },
  );
  const { errors } = form;
  return (
    <FormDialog
      open={editing !== null}
      onClose={onClose}
      title={current ? t("inbox.saved.renameTitle") : t("inbox.saved.createTitle")}
      form={form}
    >
      <Field
        label={t("inbox.saved.name")}
        error={errors.name}
        hint={current ? undefined : t("inbox.saved.hint")}
      >
        <TextInput
          name="name"
          value={name}
          maxLength={60}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </Field>
    </FormDialog>
  );
}

function CountBadge({ count }: { count?: { count: number; more: boolean } }) {
  if (!count || count.count === 0) return null;
  return (
    <span class="view-count">
      {formatNumber(count.count)}
      {count.more ? "+" : ""}
    </span>
  );
}

/** The views column: workspace, built-in views with counts, saved views, and the filters. */
export function ViewsColumn({
  me,
  filters,
  onFilters,
  counts,
  teams,
  labels,
  savedViews,
  activeSaved,
  onSavedViews,
}: {
  me: Me;
  filters: Filters;
  onFilters: (filters: Filters, saved?: SavedView) => void;
  counts: Counts;
  teams: Team[];
  labels: Label[];
  savedViews: SavedView[];
  activeSaved: string | null;
  onSavedViews: (views: SavedView[]) => void;
}) {
  const [editing, setEditing] = useState<SavedView | "new" | null>(null);
  const remove = async (view: SavedView) => {
    const ok = await confirmAction({
      title: t("inbox.saved.deleteTitle", { name: view.name }),
      body: t("inbox.saved.deleteBody"),
      confirm: t("common.delete"),
      danger: true,
    });
    if (!ok) return;
    try {
      await request(`/api/v1/saved-views/${view.id}`, { method: "DELETE" });
      onSavedViews(savedViews.filter((v) => v.id !== view.id));
      toast.success(t("inbox.saved.deleted"));
    } catch {
      toast.error(t("common.errors.network"));
    }
  };
  const saved = (view: SavedView) => {
    const rest = savedViews.filter((v) => v.id !== view.id);
    onSavedViews([...rest, view].sort((a, b) => a.name.localeCompare(b.name)));
    if (editing === "new") onFilters(filtersOf(view), view);
  };
  const set = (change: Partial<Filters>) => onFilters({ ...filters, ...change });

  return (
    <aside class="views-column" aria-label={t("inbox.views.label")}>
      <div class="views-head">
        <WorkspaceSwitcher me={me} />
      </div>
      <nav class="views-nav" aria-label={t("inbox.views.label")}>
        <ul class="view-list">
          {VIEWS.map((view) => {
            const active = !activeSaved && filters.view === view;
            return (
              <li key={view}>
                <button
                  type="button"
                  class={`view-link ${active ? "active" : ""}`}
                  aria-pressed={active}
                  data-view={view}
                  onClick={() => set({ view })}
                >
                  {VIEW_ICONS[view]}
                  <span class="view-name">{viewName(view)}</span>
                  <CountBadge count={counts[view]} />
                </button>
              </li>
            );
          })}
        </ul>
        <div class="views-section">
          <h2 class="views-title">{t("inbox.saved.title")}</h2>
          <IconButton
            size="sm"
            label={t("inbox.saved.create")}
            icon={<BookmarkPlus size={16} />}
            onClick={() => setEditing("new")}
          />
        </div>
        {savedViews.length === 0 ? (
          <p class="views-empty">{t("inbox.saved.empty")}</p>
        ) : (
          <ul class="view-list">
            {savedViews.map((view) => {
              const active = activeSaved === view.id;
              return (
                <li key={view.id} class="saved-view">
                  <button
                    type="button"
                    class={`view-link ${active ? "active" : ""}`}
                    aria-pressed={active}
                    onClick={() => onFilters(filtersOf(view), view)}
                  >
                    <Bookmark size={16} aria-hidden="true" />
                    <span class="view-name">{view.name}</span>
                  </button>
                  <Menu
                    align="end"
                    trigger={(props) => (
                      <IconButton
                        size="sm"
                        class="saved-more"
                        label={t("inbox.saved.actions", { name: view.name })}
                        icon={<MoreHorizontal size={16} />}
                        {...props}
                      />
                    )}
                    items={[
                      {
                        label: t("inbox.saved.rename"),
                        icon: <Pencil size={16} />,
                        onSelect: () => setEditing(view),
                      },
                      {
                        label: t("common.delete"),
                        icon: <Trash2 size={16} />,
                        danger: true,
                        onSelect: () => remove(view),
                      },
                    ]}
                  />
                </li>
              );
            })}
          </ul>
        )}
      </nav>
      <div class="views-filters">
        <h2 class="views-title">{t("inbox.filters.title")}</h2>
        <Field label={t("inbox.filters.status")}>
          <Select
            name="status"
            aria-label={t("inbox.filters.status")}
            value={filters.status}
            onChange={(e) => set({ status: e.currentTarget.value as Status })}
            options={STATUSES.map((s) => ({ value: s, label: statusName(s) }))}
          />
        </Field>
        <Field label={t("inbox.filters.team")}>
          <Select
            name="team"
            aria-label={t("inbox.filters.team")}
            value={filters.team_id}
            onChange={(e) => set({ team_id: e.currentTarget.value })}
            placeholder={t("inbox.filters.anyTeam")}
            options={teams.map((team) => ({ value: team.id, label: team.name }))}
          />
        </Field>
        <Field label={t("inbox.filters.label")}>
          <Select
            name="label"
            aria-label={t("inbox.filters.label")}
            value={filters.label}
            onChange={(e) => set({ label: e.currentTarget.value })}
            placeholder={t("inbox.filters.anyLabel")}
            options={labels.map((label) => ({ value: label.name, label: label.name }))}
          />
        </Field>
      </div>
      {editing !== null && (
        <SavedViewDialog
          editing={editing}
          filters={filters}
          onClose={() => setEditing(null)}
          onSaved={saved}
        />
      )}
    </aside>
  );
}
