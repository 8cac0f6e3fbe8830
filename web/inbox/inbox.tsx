import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { type Conversation, liveSocket, request, wsUrl } from "../shared/api";
import { Dialog, problemMessage, t, toast } from "../shared/ui";
import { ConversationPane } from "./conversation";
import { ConversationList } from "./list/conversation-list";
import {
  compareFor,
  DEFAULT_FILTERS,
  type Filters,
  filtersInQuery,
  matches,
  queryOf,
  type SavedView,
  searchOf,
  type View,
} from "./list/filters";
import type { Label, Member } from "./list/row";
import { type Counts, ViewsColumn, viewName } from "./list/views-column";
import "./list/list.css";
import type { Me } from "./me";
import {
  alertFor,
  announce,
  type MentionFrame,
  NotificationBanner,
  prefsOf,
  useTabTitle,
  type Viewer,
} from "./notifications";
import { type PresenceChange, presenceChanged } from "./presence";
import { ShortcutsSheet, useShortcutSheet, useShortcuts } from "./shortcuts";

type Page = { data: Conversation[]; next_cursor: string | null };
type Team = { id: string; name: string; member_ids: string[] };
type User = { id: string; name: string; active?: boolean };

const PAGE = 30;
const COUNTED: View[] = ["mine", "unassigned", "my_teams"];
const REMEMBERED = "conversa.inbox.filters";

function rememberedFilters(): Filters {
  try {
    return { ...DEFAULT_FILTERS, ...JSON.parse(localStorage.getItem(REMEMBERED) ?? "{}") };
  } catch {
    return DEFAULT_FILTERS;
  }
}

const fetchPage = (filters: Filters, extra: Record<string, string>) =>
  request<Page>(`/api/v1/conversations?${queryOf(filters, extra)}`);

/** Data the list needs besides the conversations: people, teams, labels, saved views. */
function useDirectory() {
  const [teams, setTeams] = useState<Team[]>([]);
  const [members, setMembers] = useState<Member[]>([]);
  const [labels, setLabels] = useState<Label[]>([]);
  const [savedViews, setSavedViews] = useState<SavedView[]>([]);
  useEffect(() => {
    const quietly = <T,>(url: string, use: (data: T) => void) =>
      request<{ data: T }>(url).then(
        ({ data }) => use(data),
        () => {},
      );
    quietly<Team[]>("/api/v1/teams", setTeams);
    quietly<User[]>("/api/v1/users", (users) =>
      setMembers(users.filter((u) => u.active !== false)),
    );
    quietly<Label[]>("/api/v1/labels", (rows) =>
      setLabels(rows.map((l) => ({ name: l.name, colour: l.colour }))),
    );
    quietly<SavedView[]>("/api/v1/saved-views", setSavedViews);
  }, []);
  return { teams, members, labels, savedViews, setSavedViews };
}

/** The inbox: views column, conversation list and the open conversation. */
export function Inbox({ me, selected }: { me: Me; selected?: string; onSignedOut?: () => void }) {
  const { route, query, path } = useLocation();
  const meId = me.user?.id ?? null;
  const { teams, members, labels, savedViews, setSavedViews } = useDirectory();
  // the address holds the filters (a reload, back / forward and a shared link keep them); a bare
  // address takes the ones last used, written back into it
  const named = filtersInQuery(query);
  const filters = useMemo(() => named ?? rememberedFilters(), [named && searchOf(named)]);
  const activeSaved = named ? (query.saved ?? null) : null;
  const search = searchOf(filters, activeSaved);
  useEffect(() => {
    if (!named) route(`${path}${search}`, true);
  }, [named === null, path]);
  const [items, setItems] = useState<Conversation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [counts, setCounts] = useState<Counts>({});
  const [unreadMine, setUnreadMine] = useState<Map<string, number>>(new Map());
  const [viewsOpen, setViewsOpen] = useState(false);
  const sheet = useShortcutSheet();
  const searchRef = useRef<HTMLInputElement>(null);
  const prefs = prefsOf(me);

  const viewer: Viewer = useMemo(
    () => ({
      userId: meId,
      teamIds: new Set(teams.filter((t) => meId && t.member_ids.includes(meId)).map((t) => t.id)),
    }),
    [teams, meId],
  );
  // the socket handler reads the latest of these
  const live = useRef({ filters, viewer, selected, prefs, search });
  live.current = { filters, viewer, selected, prefs, search };
  const known = useRef(new Map<string, Conversation>());

  // a page asked for under older filters must not replace the current one
  const latestLoad = useRef(0);
  const load = async (after: string | null) => {
    const ticket = ++latestLoad.current;
    setLoading(true);
    try {
      const page = await fetchPage(filters, {
        limit: String(PAGE),
        ...(after ? { cursor: after } : {}),
      });
      if (ticket !== latestLoad.current) return;
      for (const c of page.data) known.current.set(c.id, c);
      setItems((current) => (after ? [...current, ...page.data] : page.data));
      setCursor(page.next_cursor);
    } catch (error) {
      if (ticket !== latestLoad.current) return;
      if (!after) setItems([]);
      setCursor(null);
      toast.error(problemMessage(error));
    } finally {
      if (ticket === latestLoad.current) setLoading(false);
    }
  };

  const refreshCounts = async () => {
    const entries = await Promise.all(
      COUNTED.map(async (view) => {
        const page = await fetchPage({ ...DEFAULT_FILTERS, view }, { limit: "100" }).catch(
          () => null,
        );
        if (view === "mine" && page)
          setUnreadMine(new Map(page.data.filter((c) => c.unread_count > 0).map((c) => [c.id, 1])));
        return [
          view,
          page && { count: page.data.length, more: page.next_cursor !== null },
        ] as const;
      }),
    );
    setCounts(Object.fromEntries(entries.filter(([, v]) => v !== null)));
  };

  useEffect(() => {
    localStorage.setItem(REMEMBERED, JSON.stringify(filters));
    setItems([]);
    load(null);
  }, [filters.view, filters.status, filters.team_id, filters.label, filters.sort]);

  useEffect(() => {
    refreshCounts();
    let countTimer: ReturnType<typeof setTimeout> | undefined;
    const socket = liveSocket(
      () => wsUrl(location.origin, "/api/v1/realtime"),
      (frame) => {
        if (frame.type === "conversation") onConversation(frame.conversation as Conversation);
        if (frame.type === "mention") onMention(frame as unknown as MentionFrame);
        if (frame.type === "presence") presenceChanged(frame as unknown as PresenceChange);
        clearTimeout(countTimer);
        countTimer = setTimeout(refreshCounts, 1500);
      },
    );
    return () => {
      clearTimeout(countTimer);
      socket.close();
    };
  }, []);

  const openConversation = (id: string) => route(`/c/${id}${live.current.search}`);

  function onConversation(c: Conversation) {
    const { filters: f, viewer: v, selected: open, prefs: p } = live.current;
    const before = known.current.get(c.id);
    known.current.set(c.id, c);
    const alert = alertFor(c, before, v, p);
    if (alert) announce(alert, c.id, p, open, openConversation);
    if (c.id === open && c.unread_count > 0 && document.visibilityState === "visible")
      request(`/api/v1/conversations/${c.id}/read`, { method: "POST" }).catch(() => {});
    setUnreadMine((current) => {
      const next = new Map(current);
      if (c.assignee_id === meId && c.status !== "closed" && c.unread_count > 0) next.set(c.id, 1);
      else next.delete(c.id);
      return next;
    });
    setItems((current) => {
      const listed = current.some((x) => x.id === c.id);
      const rest = current.filter((x) => x.id !== c.id);
      // mentions are the server's to decide: only conversations already listed stay, updated
      const belongs = f.view === "mentions" ? listed : matches(c, f, v);
      return belongs ? [c, ...rest].sort(compareFor(f.sort)) : rest;
    });
  }

  function onMention(frame: MentionFrame) {
    const { prefs: p, selected: open } = live.current;
    announce(
      { title: t("inbox.notify.mention", { name: frame.by.name }), body: frame.preview },
      frame.conversation_id,
      p,
      open,
      openConversation,
    );
  }

  useTabTitle(unreadMine.size);

  const chooseFilters = (next: Filters, saved?: SavedView) => {
    route(`${path}${searchOf(next, saved?.id)}`);
    setViewsOpen(false);
  };

  const step = (by: 1 | -1) => {
    if (items.length === 0) return;
    const at = items.findIndex((c) => c.id === selected);
    const next = items[at === -1 ? (by === 1 ? 0 : items.length - 1) : at + by];
    if (next) openConversation(next.id);
  };
  const focusComposer = (mode: "reply" | "note") => {
    if (!selected) return;
    document.dispatchEvent(new CustomEvent("conversa:compose", { detail: { mode } }));
    document.querySelector<HTMLTextAreaElement>("textarea[name=composer]")?.focus();
  };
  const act = async (path: string, json: unknown, done: string) => {
    if (!selected) return;
    try {
      await request(`/api/v1/conversations/${selected}/${path}`, { method: "POST", json });
      toast.success(done);
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };
  useShortcuts(
    {
      next: () => step(1),
      previous: () => step(-1),
      reply: () => focusComposer("reply"),
      note: () => focusComposer("note"),
      assignToMe: () => act("assign", { user_id: meId }, t("inbox.shortcuts.assignedToYou")),
      close: () => act("status", { status: "closed" }, t("inbox.shortcuts.closed")),
      search: () => searchRef.current?.focus(),
      inbox: () => route(`/${search}`),
    },
    sheet.show,
  );

  const saved = savedViews.find((v) => v.id === activeSaved);
  const title = saved?.name ?? viewName(filters.view);
  const column = (
    <ViewsColumn
      me={me}
      filters={filters}
      onFilters={chooseFilters}
      counts={counts}
      teams={teams}
      labels={labels}
      savedViews={savedViews}
      activeSaved={activeSaved}
      onSavedViews={setSavedViews}
    />
  );

  return (
    <div class={`inbox ${selected ? "has-selection" : ""}`} id="main">
      <div class="views-docked">{column}</div>
      <div class="list-column">
        <NotificationBanner prefs={prefs} />
        <ConversationList
          title={title}
          filters={filters}
          onSort={(sort) => chooseFilters({ ...filters, sort }, saved)}
          items={items}
          loading={loading}
          hasMore={cursor !== null}
          onMore={() => load(cursor)}
          selected={selected}
          search={search}
          members={members}
          labels={labels}
          meId={meId}
          searchRef={searchRef}
          onOpenViews={() => setViewsOpen(true)}
          onBulkDone={(updated) => {
            updated.forEach(onConversation);
            refreshCounts();
          }}
        />
      </div>
      {selected ? (
        <ConversationPane key={selected} id={selected} me={me} onBack={() => route(`/${search}`)} />
      ) : (
        <section class="pane empty" aria-label={t("inbox.pane.label")}>
          <p>{t("inbox.pane.pick")}</p>
          <p class="muted">{t("inbox.pane.shortcutHint")}</p>
        </section>
      )}
      <Dialog
        open={viewsOpen}
        kind="drawer"
        onClose={() => setViewsOpen(false)}
        title={t("inbox.views.label")}
      >
        {viewsOpen && column}
      </Dialog>
      <ShortcutsSheet open={sheet.open} onClose={sheet.hide} />
    </div>
  );
}
