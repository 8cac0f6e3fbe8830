import { BookOpen, KeyRound, Plus, Trash2 } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import type { components } from "../../../client/schema";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  type Column,
  confirmAction,
  DataTable,
  Dialog,
  EmptyState,
  Field,
  formatDate,
  formatRelative,
  IconButton,
  problemMessage,
  Select,
  SkeletonRows,
  TextInput,
  t,
  toast,
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
  const { busy, errors, submit } = useSubmit(async () => {
    const key = await request<CreatedApiKey>("/api/v1/api-keys", {
      method: "POST",
      json: { name, role },
    });
    setCreated(key);
    onCreated();
  });
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
    <Dialog
      open
      onClose={onClose}
      title={t("api-keys.createTitle")}
      footer={
        <>
          <Button onClick={onClose}>{t("common.cancel")}</Button>
          <Button variant="primary" type="submit" form="api-key-form" loading={busy}>
            {t("api-keys.create")}
          </Button>
        </>
      }
    >
      <form id="api-key-form" class="form" onSubmit={submit} noValidate>
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
      </form>
    </Dialog>
  );
}

export default function ApiKeys() {
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [creating, setCreating] = useState(false);
  const load = () =>
    request<{ data: ApiKey[] }>("/api/v1/api-keys").then(
      (r) => setKeys(r.data),
      (e) => toast.error(problemMessage(e)),
    );
  useEffect(() => {
    load();
  }, []);
  const revoke = async (key: ApiKey) => {
    const sure = await confirmAction({
      title: t("api-keys.revokeTitle", { name: key.name }),
      body: t("api-keys.revokeBody"),
      confirm: t("api-keys.revoke"),
      danger: true,
    });
    if (!sure) return;
    try {
      await request(`/api/v1/api-keys/${key.id}`, { method: "DELETE" });
      toast.success(t("api-keys.revoked", { name: key.name }));
      load();
    } catch (e) {
      toast.error(problemMessage(e));
    }
  };
  const createButton = (
    <Button variant="primary" icon={<Plus size={16} />} onClick={() => setCreating(true)}>
      {t("api-keys.create")}
    </Button>
  );
  return (
    <div class="developers-screen">
      <header class="page-head">
        <div>
          <h1>{t("settings.nav.api-keys")}</h1>
          <p>
            {t("api-keys.description")}{" "}
            <a href="/api/docs" target="_blank" rel="noreferrer" class="inline-link">
              <BookOpen size={14} aria-hidden="true" class="icon" />
              {t("api-keys.docs")}
            </a>
          </p>
        </div>
        {keys && keys.length > 0 && createButton}
      </header>
      {keys === null ? (
        <SkeletonRows rows={3} />
      ) : keys.length === 0 ? (
        <div class="card">
          <EmptyState
            icon={<KeyRound size={22} />}
            title={t("api-keys.emptyTitle")}
            action={createButton}
          >
            {t("api-keys.emptyBody")}
          </EmptyState>
        </div>
      ) : (
        <DataTable
          label={t("settings.nav.api-keys")}
          rows={keys}
          rowKey={(k) => k.id}
          columns={columns(revoke)}
        />
      )}
      {creating && <CreateKeyDialog onClose={() => setCreating(false)} onCreated={load} />}
    </div>
  );
}
