import { Building2 } from "lucide-preact";
import { request } from "../shared/api";
import { problemMessage, Select, t, toast } from "../shared/ui";
import type { Me } from "./me";

/** Moves the session to another of the person's workspaces and starts the inbox afresh there. */
export async function switchWorkspace(workspaceId: string) {
  await request("/api/v1/auth/switch-workspace", {
    method: "POST",
    json: { workspace_id: workspaceId },
  });
  location.assign("/");
}

/** The workspace's name, or a choice among the person's workspaces when they have several. */
export function WorkspaceSwitcher({ me }: { me: Me }) {
  if (me.workspaces.length < 2)
    return (
      <span class="workspace-name">
        <Building2 size={16} aria-hidden="true" class="icon" />
        <strong>{me.workspace.name}</strong>
      </span>
    );
  return (
    <span class="workspace-switch">
      <Building2 size={16} aria-hidden="true" class="icon" />
      <Select
        class="select workspace"
        aria-label={t("inbox.workspace")}
        value={me.workspace.id}
        onChange={(e) =>
          switchWorkspace(e.currentTarget.value).catch((failure) =>
            toast.error(problemMessage(failure)),
          )
        }
        options={me.workspaces.map((w) => ({ value: w.id, label: w.name }))}
      />
    </span>
  );
}
