import { MailPlus, Users } from "lucide-preact";
import { useState } from "preact/hooks";
import { Button, EmptyState, ListState, PageHeader, t, useList } from "../../shared/ui";
import "./people.css";
import { Invitations, InviteDialog } from "./invitations";
import { Members } from "./members";
import type { Invitation, Team, User } from "./user-roles";

export default function UsersScreen() {
  const users = useList<User>("/api/v1/users");
  const teams = useList<Team>("/api/v1/teams");
  const invitations = useList<Invitation>("/api/v1/invitations");
  const [inviting, setInviting] = useState(false);
  const pending = invitations.items ?? [];
  return (
    <div class="page">
      <PageHeader
        title={t("users.title")}
        description={t("users.description")}
        actions={
          <Button variant="primary" icon={<MailPlus size={16} />} onClick={() => setInviting(true)}>
            {t("users.invite")}
          </Button>
        }
      />
      <ListState
        data={users.items}
        error={users.error}
        onRetry={users.reload}
        rows={4}
        empty={<EmptyState icon={<Users size={22} />} title={t("users.emptyTitle")} />}
      >
        {(members) => (
          <Members
            users={members}
            teams={teams.items ?? []}
            reload={() => {
              users.reload();
              teams.reload();
            }}
          />
        )}
      </ListState>
      <section class="section" aria-labelledby="pending-title">
        <h2 id="pending-title">
          {t("users.pending")} <span class="muted">{pending.length || ""}</span>
        </h2>
        {pending.length === 0 ? (
          <p class="muted">{t("users.noPending")}</p>
        ) : (
          <Invitations rows={pending} reload={invitations.reload} />
        )}
      </section>
      {inviting && (
        <InviteDialog onClose={() => setInviting(false)} onInvited={invitations.reload} />
      )}
    </div>
  );
}
