import type { ConversationMeta } from "../worker/domain/messaging/contract";
import { hubFor } from "../worker/domain/messaging/stubs";
import type { ConversationDto } from "../worker/schemas/conversations";
import { type MetaStore, projectedMessage } from "./conversation-storage";

const BACKOFF_MS = [1_000, 5_000, 15_000, 60_000, 300_000];

type OutboxHooks = {
  meta: () => ConversationMeta;
  scheduleAlarm: () => Promise<void>;
  /** The projection woke the conversation (a customer wrote in a snoozed one). */
  statusChanged: (conversation: ConversationDto) => void;
};

/**
 * A conversation object's way to D1: each stored message waits in the outbox until the
 * workspace hub has projected it; a failed projection is retried by the object's alarm.
 */
export class ProjectionOutbox {
  private drain: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly metaStore: MetaStore,
    private readonly env: Env,
    private readonly hooks: OutboxHooks,
  ) {}

  /** One drain at a time; later callers wait for the running one, which loops until empty. */
  flush(): Promise<void> {
    this.drain ??= this.drainOutbox().finally(() => {
      this.drain = null;
    });
    return this.drain;
  }

  /**
   * Outbox entries up to here are in D1. Kept in memory only: after a restart the entries left
   * are projected again, which the projection ignores as already there.
   */
  projectedThrough = 0;

  private async drainOutbox(): Promise<void> {
    const meta = this.hooks.meta();
    for (;;) {
      const pending = this.sql
        .exec(
          "SELECT m.*, o.attempts FROM outbox o JOIN messages m ON m.seq = o.seq WHERE o.seq > ? ORDER BY o.seq LIMIT 1",
          this.projectedThrough,
        )
        .toArray()[0];
      if (!pending) {
        // alarm bookkeeping only after a failure: the common path touches no alarm
        if (this.metaStore.get("retry_at") !== null) {
          this.metaStore.delete("retry_at");
          await this.hooks.scheduleAlarm();
        }
        return;
      }
      try {
        const conversation = await hubFor(this.env, meta.workspaceId).project({
          ref: meta,
          message: projectedMessage(pending),
          // a customer's message may wake the conversation, which its agents must hear of
          wantsConversation: !["open", "closed"].includes(this.metaStore.get("status") ?? ""),
        });
        this.projectedThrough = Number(pending.seq);
        if (conversation && this.metaStore.get("status") !== conversation.status) {
          this.metaStore.set("status", conversation.status);
          this.hooks.statusChanged(conversation);
        }
      } catch (error) {
        const attempts = Number(pending.attempts) + 1;
        this.sql.exec("UPDATE outbox SET attempts = ? WHERE seq = ?", attempts, pending.seq);
        const delay = BACKOFF_MS[Math.min(attempts - 1, BACKOFF_MS.length - 1)] ?? 300_000;
        console.warn(
          `projection of ${meta.conversationId}#${pending.seq} failed; retrying in ${delay}ms`,
          error,
        );
        this.metaStore.set("retry_at", String(Date.now() + delay));
        await this.hooks.scheduleAlarm();
        return;
      }
    }
  }

  pending(): number {
    return Number(
      this.sql.exec("SELECT count(*) AS n FROM outbox WHERE seq > ?", this.projectedThrough).one()
        .n,
    );
  }
}
