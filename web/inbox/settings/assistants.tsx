import { BotMessageSquare, FlaskConical, Plus, TriangleAlert } from "lucide-preact";
import { useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  type Column,
  DataTable,
  deleteAfterConfirm,
  EmptyState,
  editDeleteColumn,
  ListState,
  PageHeader,
  problemMessage,
  Switch,
  t,
  toast,
  useList,
  useResource,
} from "../../shared/ui";
import { AssistantDrawer } from "./assistant-drawer";
import { type Assistant, BASE, type ContactField, channelError } from "./assistant-model";
import { AssistantTest } from "./assistant-test";
import type { Channel } from "./channels/look";
import type { Team } from "./team-model";
import "./config.css";
import "./people.css";
import "./assistants.css";

type AiSettings = components["schemas"]["AiSettings"];

function AiOffBanner() {
  const settings = useResource<AiSettings>("/api/v1/ai/settings");
  if (!settings.data || settings.data.enabled) return null;
  return (
    <p class="assistant-banner" role="status">
      <TriangleAlert size={16} aria-hidden="true" class="icon" />
      <span>
        {t("assistants.aiOff")} <a href="/settings/ai">{t("assistants.aiOffLink")}</a>
      </span>
    </p>
  );
}

/** The assistant on or off from its row; a refusal (its channel taken) is told in a toast. */
async function switchOn(assistant: Assistant, enabled: boolean) {
  try {
    const saved = await request<Assistant>(`${BASE}/${assistant.id}`, {
      method: "PATCH",
      json: { enabled },
    });
    toast.success(
      t(enabled ? "assistants.turnedOn" : "assistants.turnedOff", { name: saved.name }),
    );
    return saved;
  } catch (error) {
    const field = (error as { problem?: { errors?: { message: string }[] } }).problem?.errors?.[0];
    toast.error(channelError(field?.message) ?? problemMessage(error));
    return null;
  }
}

/** Where an assistant answers: its channels' and teams' names. */
function Places({
  assistant,
  channels,
  teams,
}: {
  assistant: Assistant;
  channels: Channel[];
  teams: Team[];
}) {
  const names = [
    ...assistant.channel_ids.map((id) => channels.find((c) => c.id === id)?.name),
    ...assistant.team_ids.map((id) => teams.find((team) => team.id === id)?.name),
  ].filter(Boolean);
  if (names.length === 0) return <span class="muted">{t("assistants.noChannels")}</span>;
  return <span class="assistant-channels">{names.join(", ")}</span>;
}

export default function AssistantsScreen() {
  const assistants = useList<Assistant>(BASE);
  const channels = useList<Channel>("/api/v1/channels").items ?? [];
  const teams = useList<Team>("/api/v1/teams").items ?? [];
  const fields = useList<ContactField>("/api/v1/contact-fields").items ?? [];
  const [editing, setEditing] = useState<Assistant | null | undefined>(undefined);
  const [testing, setTesting] = useState<Assistant | null>(null);

  const remove = async (assistant: Assistant) => {
    const gone = await deleteAfterConfirm({
      url: `${BASE}/${assistant.id}`,
      title: t("assistants.deleteTitle", { name: assistant.name }),
      body: t("assistants.deleteBody"),
      done: t("assistants.deleted", { name: assistant.name }),
    });
    if (gone) assistants.drop(assistant.id);
  };
  const toggle = async (assistant: Assistant, enabled: boolean) => {
    const saved = await switchOn(assistant, enabled);
    if (saved) assistants.put(saved);
  };

  const columns: Column<Assistant>[] = [
    {
      key: "enabled",
      header: <span class="sr-only">{t("assistants.enabled")}</span>,
      render: (a) => (
        <Switch
          checked={a.enabled}
          onChange={(on) => toggle(a, on)}
          label={<span class="sr-only">{t("assistants.enabledNamed", { name: a.name })}</span>}
        />
      ),
    },
    {
      key: "name",
      header: t("assistants.name"),
      sortBy: (a) => a.name.toLowerCase(),
      render: (a) => <strong dir="auto">{a.name}</strong>,
    },
    {
      key: "channels",
      header: t("assistants.where"),
      render: (a) => <Places assistant={a} channels={channels} teams={teams} />,
    },
    {
      key: "activation",
      header: t("assistants.activation"),
      sortBy: (a) => a.activation,
      render: (a) => <Badge>{t(`assistants.activation.${a.activation}`)}</Badge>,
    },
    {
      key: "handoff",
      header: t("assistants.handoff"),
      render: (a) => (
        <Badge tone={a.handoff_enabled ? "success" : "neutral"} dot>
          {a.handoff_enabled ? t("assistants.on") : t("assistants.off")}
        </Badge>
      ),
    },
    {
      key: "test",
      header: <span class="sr-only">{t("assistants.test")}</span>,
      render: (a) => (
        <Button
          size="sm"
          icon={<FlaskConical size={14} />}
          aria-label={t("assistants.testNamed", { name: a.name })}
          onClick={() => setTesting(a)}
        >
          {t("assistants.test")}
        </Button>
      ),
    },
    editDeleteColumn({
      class: "actions",
      editLabel: (a) => t("assistants.editNamed", { name: a.name }),
      deleteLabel: (a) => t("assistants.deleteNamed", { name: a.name }),
      onEdit: setEditing,
      onDelete: remove,
    }),
  ];

  const create = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setEditing(null)}>
      {t("assistants.new")}
    </Button>
  );

  return (
    <div class="page">
      <PageHeader
        title={t("assistants.title")}
        description={t("assistants.description")}
        actions={assistants.items?.length ? create : null}
      />
      <AiOffBanner />
      <ListState
        data={assistants.items}
        error={assistants.error}
        onRetry={assistants.reload}
        rows={3}
        empty={
          <EmptyState
            icon={<BotMessageSquare size={22} />}
            title={t("assistants.emptyTitle")}
            action={create}
          >
            {t("assistants.emptyBody")}
          </EmptyState>
        }
      >
        {(rows) => (
          <DataTable
            label={t("assistants.title")}
            columns={columns}
            rows={rows}
            rowKey={(a) => a.id}
            initialSort={{ key: "name", direction: "asc" }}
          />
        )}
      </ListState>
      {editing !== undefined && (
        <AssistantDrawer
          editing={editing}
          channels={channels}
          teams={teams}
          fields={fields}
          onClose={() => setEditing(undefined)}
          onSaved={(saved) => {
            setEditing(undefined);
            assistants.put(saved);
          }}
        />
      )}
      {testing && (
        <AssistantTest assistant={testing} fields={fields} onClose={() => setTesting(null)} />
      )}
    </div>
  );
}
