import { Copy, RefreshCw, X } from "lucide-preact";
import { useState } from "preact/hooks";
import { request } from "../../shared/api";
import {
  Badge,
  Button,
  type Column,
  DataTable,
  Dialog,
  deleteAfterConfirm,
  Field,
  FormDialog,
  formatDate,
  IconButton,
  problemMessage,
  Select,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import { useSession } from "../session";
import { grantable, type Invitation, ROLE_TONE, type Role } from "./user-roles";

const inviteLink = (token: string) => `${location.origin}/invite#${token}`;

function CopyLink({ link }: { link: string }) {
  return (
    <div class="copy-link">
      <Field label={t("users.inviteLink")} hint={t("users.inviteLinkHint")}>
        <TextInput readOnly value={link} onFocus={(e) => e.currentTarget.select()} />
      </Field>
      <Button
        icon={<Copy size={16} />}
        onClick={async () => {
          await navigator.clipboard?.writeText(link).catch(() => {});
          toast.success(t("common.copied"));
        }}
      >
        {t("common.copy")}
      </Button>
    </div>
  );
}

export function InviteDialog({
  onClose,
  onInvited,
}: {
  onClose: () => void;
  onInvited: () => void;
}) {
  const { me } = useSession();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [link, setLink] = useState<string | null>(null);
  const form = useSubmit(
    async () => {
      const created = await request<{ token: string }>("/api/v1/invitations", {
        method: "POST",
        json: { email, role },
      });
      setLink(inviteLink(created.token));
      onInvited();
    },
    { inline: true },
  );
  if (link)
    return (
      <Dialog
        open
        onClose={onClose}
        title={t("users.invited", { email })}
        footer={
          <Button variant="primary" onClick={onClose}>
            {t("users.done")}
          </Button>
        }
      >
        <CopyLink link={link} />
      </Dialog>
    );
  return (
    <FormDialog
      open
      onClose={onClose}
      title={t("users.invite")}
      submit={t("users.sendInvite")}
      form={form}
    >
      <Field label={t("users.email")} error={form.errors.email}>
        <TextInput
          type="email"
          name="email"
          autocomplete="off"
          placeholder="name@company.com"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
      </Field>
      <Field
        label={t("users.roleLabel")}
        hint={t(`users.roleHint.${role}`)}
        error={form.errors.role}
      >
        <Select
          name="role"
          value={role}
          options={grantable(me.role)}
          onChange={(e) => setRole(e.currentTarget.value as Role)}
        />
      </Field>
    </FormDialog>
  );
}

export function Invitations({ rows, reload }: { rows: Invitation[]; reload: () => void }) {
  const [link, setLink] = useState<{ email: string; link: string } | null>(null);
  const resend = async (invitation: Invitation) => {
    try {
      const sent = await request<{ token: string }>(`/api/v1/invitations/${invitation.id}/resend`, {
        method: "POST",
      });
      setLink({ email: invitation.email, link: inviteLink(sent.token) });
      reload();
    } catch (error) {
      toast.error(problemMessage(error));
    }
  };
  const revoke = async (invitation: Invitation) => {
    const gone = await deleteAfterConfirm({
      url: `/api/v1/invitations/${invitation.id}`,
      title: t("users.revokeTitle", { email: invitation.email }),
      body: t("users.revokeBody"),
      confirm: t("users.revoke"),
      done: t("users.revoked", { email: invitation.email }),
    });
    if (gone) reload();
  };
  const columns: Column<Invitation>[] = [
    {
      key: "email",
      header: t("users.email"),
      sortBy: (i) => i.email,
      render: (i) => <strong>{i.email}</strong>,
    },
    {
      key: "role",
      header: t("users.roleLabel"),
      render: (i) => <Badge tone={ROLE_TONE[i.role]}>{t(`users.role.${i.role}`)}</Badge>,
    },
    {
      key: "status",
      header: t("users.status"),
      sortBy: (i) => i.expires_at,
      render: (i) =>
        i.status === "expired" ? (
          <Badge tone="danger">{t("users.expired")}</Badge>
        ) : (
          <span class="muted">
            {t("users.expires", { when: formatDate(i.expires_at, { dateStyle: "medium" }) })}
          </span>
        ),
    },
    {
      key: "actions",
      header: <span class="sr-only">{t("common.actions")}</span>,
      class: "actions",
      render: (i) => (
        <>
          <IconButton
            label={t("users.resendTo", { email: i.email })}
            icon={<RefreshCw size={16} />}
            onClick={() => resend(i)}
          />
          <IconButton
            label={t("users.revokeFor", { email: i.email })}
            icon={<X size={16} />}
            onClick={() => revoke(i)}
          />
        </>
      ),
    },
  ];
  return (
    <>
      <DataTable label={t("users.pending")} columns={columns} rows={rows} rowKey={(i) => i.id} />
      {link && (
        <Dialog
          open
          onClose={() => setLink(null)}
          title={t("users.resent", { email: link.email })}
          footer={
            <Button variant="primary" onClick={() => setLink(null)}>
              {t("users.done")}
            </Button>
          }
        >
          <CopyLink link={link.link} />
        </Dialog>
      )}
    </>
  );
}
