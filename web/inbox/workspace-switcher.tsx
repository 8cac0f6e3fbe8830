import { useState } from "preact/hooks";
import { request } from "../shared/api";
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
  const [error, setError] = useState<string | null>(null);
  if (me.workspaces.length < 2) return <strong class="brand">{me.workspace.name}</strong>;
  return (
    <>
      <select
        class="workspace"
        aria-label="Workspace"
        value={me.workspace.id}
        onChange={(e) =>
          switchWorkspace(e.currentTarget.value).catch((failure: Error) =>
            setError(failure.message),
          )
        }
      >
        {me.workspaces.map((w) => (
          <option key={w.id} value={w.id}>
            {w.name}
          </option>
        ))}
      </select>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
