/** Which scheduled message an alarm object fires. */
export type ScheduledRef = { workspaceId: string; id: string };

/** Sets (or moves) the alarm of a scheduled message to its send time. */
export async function armScheduled(
  env: Env,
  row: { workspaceId: string; id: string; sendAt: number },
) {
  const stub = env.SCHEDULED_MESSAGES.get(env.SCHEDULED_MESSAGES.idFromName(row.id));
  await stub.arm({ workspaceId: row.workspaceId, id: row.id }, row.sendAt);
}
