import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { type Conversation, liveSocket, request, wsUrl } from "../shared/api";
import { CHANNEL_LOOK } from "../shared/channels";
import { ConversationPane } from "./conversation";
import type { Me } from "./me";
import { WorkspaceSwitcher } from "./workspace-switcher";

type View = "mine" | "unassigned" | "all";
type Filter = { view: View; status: string; team: string };
type Team = { id: string; name: string };
type SearchHit = { conversation_id: string; seq: number; snippet: string };

const VIEWS: [View, string][] = [
  ["mine", "Mine"],
  ["unassigned", "Unassigned"],
  ["all", "All"],
];

/** Whether a conversation belongs in the list the agent is looking at. */
function matches(c: Conversation, filter: Filter, me: Me) {
  if (filter.status && c.status !== filter.status) return false;
  if (filter.team && c.team_id !== filter.team) return false;
  if (filter.view === "mine") return c.assignee_id === me.user?.id;
  if (filter.view === "unassigned") return c.assignee_id === null;
  return true;
}

const byActivity = (a: Conversation, b: Conversation) =>
  b.last_activity_at.localeCompare(a.last_activity_at);

function timeOf(iso: string) {
  const d = new Date(iso);
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })
    : d.toLocaleDateString();
}

/** The next SLA target still open: due time, red once it has passed. */
function SlaBadge({ c }: { c: Conversation }) {
  const due =
    c.sla.first_response_at === null ? c.sla.first_response_due_at : c.sla.resolution_due_at;
  if (!due || c.status === "closed") return null;
  const overdue = Date.parse(due) < Date.now();
  const label = c.sla.first_response_at === null ? "first reply" : "resolve";
  return (
    <span class={`sla ${overdue ? "overdue" : ""}`} title={`SLA: ${label} by ${due}`}>
      ⏱ {overdue ? "overdue" : timeOf(due)}
    </span>
  );
}

export function Inbox({
  me,
  selected,
  onSignedOut,
}: {
  me: Me;
  selected?: string;
  onSignedOut: () => void;
}) {
  const { route } = useLocation();
  const [filter, setFilter] = useState<Filter>({ view: "all", status: "open", team: "" });
  const [teams, setTeams] = useState<Team[]>([]);
  const [items, setItems] = useState<Conversation[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [presence, setPresence] = useState("online");
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<SearchHit[] | null>(null);

  const load = async (after: string | null) => {
    const params = new URLSearchParams({ view: filter.view, limit: "30" });
    if (filter.status) params.set("status", filter.status);
    if (filter.team) params.set("team_id", filter.team);
    if (after) params.set("cursor", after);
    const page = await request<{ data: Conversation[]; next_cursor: string | null }>(
      `/api/v1/conversations?${params}`,
    );
    setItems((current) => (after ? [...current, ...page.data] : page.data));
    setCursor(page.next_cursor);
  };

  useEffect(() => {
    load(null);
    const socket = liveSocket(
      () => wsUrl(location.origin, "/api/v1/realtime"),
      (frame) => {
        if (frame.type !== "conversation") return;
        const conversation = frame.conversation as Conversation;
        setItems((current) => {
          const rest = current.filter((c) => c.id !== conversation.id);
          return matches(conversation, filter, me)
            ? [conversation, ...rest].sort(byActivity)
            : rest;
        });
      },
    );
    return () => socket.close();
  }, [filter.view, filter.status, filter.team]);

  useEffect(() => {
    request<{ data: Team[] }>("/api/v1/teams").then(
      ({ data }) => setTeams(data),
      () => {},
    );
  }, []);

  const changePresence = async (status: string) => {
    setPresence(status);
    await request("/api/v1/me/presence", { method: "PUT", json: { status } });
  };

  const search = async (event: Event) => {
    event.preventDefault();
    if (!query.trim()) return setHits(null);
    const { data } = await request<{ data: SearchHit[] }>(
      `/api/v1/search/messages?q=${encodeURIComponent(query)}`,
    );
    setHits(data);
  };

  const signOut = async () => {
    await request("/api/v1/auth/logout", { method: "POST" });
    onSignedOut();
  };

  return (
    <div class={`inbox ${selected ? "has-selection" : ""}`}>
      <nav class="sidebar">
        <WorkspaceSwitcher me={me} />
        {VIEWS.map(([view, label]) => (
          <button
            type="button"
            key={view}
            class={filter.view === view ? "active" : ""}
            onClick={() => setFilter({ ...filter, view })}
          >
            {label}
          </button>
        ))}
        <select
          aria-label="Status"
          value={filter.status}
          onChange={(e) => setFilter({ ...filter, status: e.currentTarget.value })}
        >
          <option value="open">Open</option>
          <option value="pending">Pending</option>
          <option value="snoozed">Snoozed</option>
          <option value="closed">Closed</option>
          <option value="">Any status</option>
        </select>
        {teams.length > 0 && (
          <select
            aria-label="Team"
            value={filter.team}
            onChange={(e) => setFilter({ ...filter, team: e.currentTarget.value })}
          >
            <option value="">All teams</option>
            {teams.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        )}
        <form onSubmit={search}>
          <input
            type="search"
            placeholder="Search messages"
            value={query}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </form>
        <select
          aria-label="Presence"
          value={presence}
          onChange={(e) => changePresence(e.currentTarget.value)}
        >
          <option value="online">● Online</option>
          <option value="away">◐ Away</option>
          <option value="offline">○ Offline</option>
        </select>
        {["owner", "admin"].includes(me.role) && (
          <>
            <a href="/settings/channels">Channels</a>
            <a href="/settings/teams">Teams &amp; hours</a>
          </>
        )}
        <span class="me">{me.user?.name}</span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </nav>
      <section class="list" aria-label="Conversations">
        {hits && (
          <div class="hits">
            <button type="button" onClick={() => setHits(null)}>
              ✕ Search results ({hits.length})
            </button>
            {hits.map((h) => (
              <a key={`${h.conversation_id}-${h.seq}`} href={`/c/${h.conversation_id}`}>
                {h.snippet}
              </a>
            ))}
          </div>
        )}
        {items.length === 0 && <p class="empty">No conversations here.</p>}
        {items.map((c) => (
          <a
            key={c.id}
            href={`/c/${c.id}`}
            class={`item ${c.id === selected ? "selected" : ""}`}
            data-conversation={c.id}
          >
            <span class="who">
              {c.contact.name ?? c.contact.phone ?? c.contact.email ?? "Unknown"}
              <span class="channel" title={CHANNEL_LOOK[c.channel_type].label}>
                {CHANNEL_LOOK[c.channel_type].icon}
              </span>
            </span>
            <span class="preview">{c.last_message?.preview ?? ""}</span>
            <span class="meta">
              <SlaBadge c={c} />
              {timeOf(c.last_activity_at)}
              {c.unread_count > 0 && <span class="unread">{c.unread_count}</span>}
            </span>
          </a>
        ))}
        {cursor && (
          <button type="button" class="more" onClick={() => load(cursor)}>
            Load more
          </button>
        )}
      </section>
      {selected ? (
        <ConversationPane key={selected} id={selected} me={me} onBack={() => route("/")} />
      ) : (
        <section class="pane empty">Pick a conversation</section>
      )}
    </div>
  );
}
