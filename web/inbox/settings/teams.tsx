import { useEffect, useState } from "preact/hooks";
import { request } from "../../shared/api";

type Team = {
  id: string;
  name: string;
  assignment: string;
  member_ids: string[];
  business_hours_id: string | null;
  sla_first_response_minutes: number | null;
};
type User = { id: string; name: string; active: boolean };
type Hours = {
  id: string;
  name: string;
  timezone: string;
  open_now: boolean;
  next_opening: string | null;
};

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const STRATEGIES = ["manual", "round_robin", "least_busy", "random"];

function HoursForm({ onSaved }: { onSaved: () => void }) {
  const [name, setName] = useState("Office hours");
  const [timezone, setTimezone] = useState(Intl.DateTimeFormat().resolvedOptions().timeZone);
  const [days, setDays] = useState([1, 2, 3, 4, 5]);
  const [open, setOpen] = useState("09:00");
  const [close, setClose] = useState("17:00");
  const [error, setError] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await request("/api/v1/business-hours", {
        method: "POST",
        json: { name, timezone, weekly: days.map((day) => ({ day, open, close })) },
      });
      setError(null);
      onSaved();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form class="connect" onSubmit={save} aria-label="New business hours">
      <h2>New business hours</h2>
      <input aria-label="Hours name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      <input
        aria-label="Timezone"
        value={timezone}
        onInput={(e) => setTimezone(e.currentTarget.value)}
      />
      <div>
        {DAYS.map((d, day) => (
          <label key={d}>
            <input
              type="checkbox"
              checked={days.includes(day)}
              onChange={(e) =>
                setDays(
                  e.currentTarget.checked ? [...days, day].sort() : days.filter((x) => x !== day),
                )
              }
            />
            {d}
          </label>
        ))}
      </div>
      <input
        aria-label="Opens"
        type="time"
        value={open}
        onInput={(e) => setOpen(e.currentTarget.value)}
      />
      <input
        aria-label="Closes"
        type="time"
        value={close}
        onInput={(e) => setClose(e.currentTarget.value)}
      />
      {error && <p class="error">{error}</p>}
      <button type="submit">Save hours</button>
    </form>
  );
}

function TeamForm({
  users,
  hours,
  onSaved,
}: {
  users: User[];
  hours: Hours[];
  onSaved: () => void;
}) {
  const [name, setName] = useState("");
  const [assignment, setAssignment] = useState("round_robin");
  const [members, setMembers] = useState<string[]>([]);
  const [hoursId, setHoursId] = useState("");
  const [sla, setSla] = useState("");
  const [error, setError] = useState<string | null>(null);
  const save = async (event: Event) => {
    event.preventDefault();
    try {
      await request("/api/v1/teams", {
        method: "POST",
        json: {
          name,
          assignment,
          member_ids: members,
          business_hours_id: hoursId || null,
          sla_first_response_minutes: sla ? Number(sla) : null,
        },
      });
      setName("");
      setError(null);
      onSaved();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <form class="connect" onSubmit={save} aria-label="New team">
      <h2>New team</h2>
      <input
        aria-label="Team name"
        placeholder="Team name"
        value={name}
        onInput={(e) => setName(e.currentTarget.value)}
      />
      <select
        aria-label="Assignment"
        value={assignment}
        onChange={(e) => setAssignment(e.currentTarget.value)}
      >
        {STRATEGIES.map((s) => (
          <option key={s} value={s}>
            {s.replace("_", " ")}
          </option>
        ))}
      </select>
      <select
        aria-label="Business hours"
        value={hoursId}
        onChange={(e) => setHoursId(e.currentTarget.value)}
      >
        <option value="">Workspace hours</option>
        {hours.map((h) => (
          <option key={h.id} value={h.id}>
            {h.name}
          </option>
        ))}
      </select>
      <input
        aria-label="First response SLA (minutes)"
        placeholder="First response SLA, minutes"
        inputMode="numeric"
        value={sla}
        onInput={(e) => setSla(e.currentTarget.value.replace(/\D/g, ""))}
      />
      <div>
        {users.map((u) => (
          <label key={u.id}>
            <input
              type="checkbox"
              checked={members.includes(u.id)}
              onChange={(e) =>
                setMembers(
                  e.currentTarget.checked ? [...members, u.id] : members.filter((m) => m !== u.id),
                )
              }
            />
            {u.name}
          </label>
        ))}
      </div>
      {error && <p class="error">{error}</p>}
      <button type="submit" disabled={!name.trim()}>
        Create team
      </button>
    </form>
  );
}

export function TeamSettings() {
  const [teams, setTeams] = useState<Team[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [hours, setHours] = useState<Hours[]>([]);
  const load = () => {
    request<{ data: Team[] }>("/api/v1/teams").then(({ data }) => setTeams(data));
    request<{ data: Hours[] }>("/api/v1/business-hours").then(({ data }) => setHours(data));
    request<{ data: User[] }>("/api/v1/users").then(({ data }) =>
      setUsers(data.filter((u) => u.active)),
    );
  };
  useEffect(load, []);
  const nameOf = (id: string) => users.find((u) => u.id === id)?.name ?? id;
  return (
    <main class="settings">
      <a href="/">← Inbox</a>
      <h1>Teams &amp; hours</h1>
      {teams.map((t) => (
        <article class="channel-card" key={t.id} data-team={t.id}>
          <h3>
            {t.name} <small>{t.assignment.replace("_", " ")}</small>
          </h3>
          <p>Members: {t.member_ids.map(nameOf).join(", ") || "none"}</p>
          {t.sla_first_response_minutes && (
            <p>First response within {t.sla_first_response_minutes} business minutes</p>
          )}
        </article>
      ))}
      {hours.map((h) => (
        <article class="channel-card" key={h.id}>
          <h3>
            {h.name} <small>{h.timezone}</small>
          </h3>
          <p>
            {h.open_now
              ? "Open now"
              : `Closed; opens ${h.next_opening ? new Date(h.next_opening).toLocaleString() : "never"}`}
          </p>
        </article>
      ))}
      <TeamForm users={users} hours={hours} onSaved={load} />
      <HoursForm onSaved={load} />
    </main>
  );
}

export default TeamSettings;
