import { BookOpen, KeyRound, Plus, Trash2 } from "lucide-preact";
import { useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  type Column,
  DataTable,
  Dialog,
  deleteAfterConfirm,
  EmptyState,
  Field,
  FormDialog,
  formatDate,
  formatRelative,
  IconButton,
  ListState,
  PageHeader,
  Select,
  TextInput,
  t,
  useList,
  useSubmit,
} from "../../shared/ui";
import { useSession } from "../session";
import { OneTimeSecret } from "./one-time-secret";
import "./developers.css";

type ApiKey = components["schemas"]["ApiKey"];
type CreatedApiKey = components["schemas"]["CreatedApiKey"];
type Role = components["schemas"]["Role"];

const ROLES: Role[] = ["owner", "admin", "supervisor", "agent"];
const RANK: Record<Role, number> = { agent: 1, supervisor: 2, admin: 3, owner: 4 };

const roleLabel = (role: Role) => t(`api-keys.roles.${role}`);

function EffectiveRole({ apiKey }: { apiKey: ApiKey }) {
  if (!apiKey.effective_role)
    return (
      <Badge tone="danger" title={t("api-keys.inactiveHint")}>
        {t("api-keys.inactive")}
      </Badge>
    );
  const capped = apiKey.effective_role !== apiKey.role;
  return (
    <Badge
      tone={capped ? "warning" : "success"}
      title={capped ? t("api-keys.cappedHint") : undefined}
    >
      {roleLabel(apiKey.effective_role)}
    </Badge>
  );
}

function columns(revoke: (key: ApiKey) => void): Column<ApiKey>[] {
  return [
    {
      key: "name",
      header: t("api-keys.name"),
      sortBy: (k) => k.name.toLowerCase(),
      render: (k) => (
        <div class="key-name">
          <strong>{k.name}</strong>
          <code class="muted">{k.prefix}…</code>
        </div>
      ),
    },
    { key: "role", header: t("api-keys.role"), render: (k) => <Badge>{roleLabel(k.role)}</Badge> },
    {
      key: "effective",
      header: t("api-keys.effectiveRole"),
      render: (k) => <EffectiveRole apiKey={k} />,
    },
    {
      key: "creator",
      header: t("api-keys.createdBy"),
      sortBy: (k) => k.created_by?.name ?? "",
      render: (k) => k.created_by?.name ?? <span class="muted">—</span>,
    },
    {
      key: "used",
      header: t("api-keys.lastUsed"),
      sortBy: (k) => (k.last_used_at ? Date.parse(k.last_used_at) : 0),
      render: (k) =>
        k.last_used_at ? (
          <time dateTime={k.last_used_at} title={formatDate(k.last_used_at)}>
            {formatRelative(k.last_used_at)}
          </time>
        ) : (
          <span class="muted">{t("api-keys.neverUsed")}</span>
        ),
    },
    {
      key: "created",
      header: t("api-keys.created"),
      sortBy: (k) => Date.parse(k.created_at),
      render: (k) => (
        <time dateTime={k.created_at}>{formatDate(k.created_at, { dateStyle: "medium" })}</time>
      ),
    },
    {
      key: "actions",
      header: <span class="sr-only">{t("common.actions")}</span>,
      class: "row-actions",
      render: (k) => (
        <IconButton
          label={t("api-keys.revokeNamed", { name: k.name })}
          icon={<Trash2 size={16} />}
          onClick={() => revoke(k)}
        />
      ),
    },
  ];
}

function CreateKeyDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const { me } = useSession();
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("admin");
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const grantable = ROLES.filter((r) => RANK[r] <= RANK[me.role as Role]);
  const form = useSubmit(
    async () => {
      const key = await request<CreatedApiKey>("/api/v1/api-keys", {
        method: "POST",
        json: { name, role },
      });
      setCreated(key);
      onCreated();
    },
    { inline: true },
  );
  const { errors } = form;
  if (created)
    return (
      <Dialog
        open
        onClose={onClose}
        title={t("api-keys.createdTitle", { name: created.name })}
        footer={
          <Button variant="primary" onClick={onClose}>
            {t("api-keys.done")}
          </Button>
        }
      >
        <OneTimeSecret
          label={t("api-keys.secretLabel")}
          value={created.key}
          warning={t("api-keys.secretWarning")}
        />
        <p class="muted secret-usage">
          {t("api-keys.usage")} <code>Authorization: Bearer {created.prefix}…</code>
        </p>
      </Dialog>
    );
  return (
    <FormDialog
      open
      onClose={onClose}
      title={t("api-keys.createTitle")}
      submit={t("api-keys.create")}
      form={form}
    >
      <Field label={t("api-keys.name")} error={errors.name} hint={t("api-keys.nameHint")}>
        <TextInput
          name="name"
          value={name}
          maxLength={100}
          autoFocus
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </Field>
      <Field label={t("api-keys.role")} error={errors.role} hint={t("api-keys.roleHint")}>
        <Select
          name="role"
          value={role}
          options={grantable.map((r) => ({ value: r, label: roleLabel(r) }))}
          onChange={(e) => setRole(e.currentTarget.value as Role)}
        />
      </Field>
    </FormDialog>
  );
}

export default function ApiKeys() {
  const { items: keys, error, reload: load } = useList<ApiKey>("/api/v1/api-keys");
  const [creating, setCreating] = useState(false);
  const revoke = async (key: ApiKey) => {
    const gone = await deleteAfterConfirm({
      url: `/api/v1/api-keys/${key.id}`,
      title: t("api-keys.revokeTitle", { name: key.name }),
      body: t("api-keys.revokeBody"),
      confirm: t("api-keys.revoke"),
      done: t("api-keys.revoked", { name: key.name }),
    });
    if (gone) load();
  };
  const createButton = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setCreating(true)}>
      {t("api-keys.create")}
    </Button>
  );
  return (
    <div class="page">
      <PageHeader
        title={t("settings.nav.api-keys")}
        description={
          <>
            {t("api-keys.description")}{" "}
            <a href="/api/docs" target="_blank" rel="noreferrer" class="inline-link">
              <BookOpen size={14} aria-hidden="true" class="icon" />
              {t("api-keys.docs")}
            </a>
          </>
        }
        actions={keys?.length ? createButton : null}
      />
      <ListState
        data={keys}
        error={error}
        onRetry={load}
        rows={3}
        empty={
          <div class="card">
            <EmptyState
              icon={<KeyRound size={22} />}
              title={t("api-keys.emptyTitle")}
              action={createButton}
            >
              {t("api-keys.emptyBody")}
            </EmptyState>
          </div>
        }
      >
        {(rows) => (
          <DataTable
            label={t("settings.nav.api-keys")}
            rows={rows}
            rowKey={(k) => k.id}
            columns={columns(revoke)}
          />
        )}
      </ListState>
      {creating && <CreateKeyDialog onClose={() => setCreating(false)} onCreated={load} />}
    </div>
  );
}
