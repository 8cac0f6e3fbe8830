import { DurableObject } from "cloudflare:workers";
import { createDb } from "../worker/db/client";
import type { ScheduledRef } from "../worker/domain/scheduled-messages/alarm";
import { fireScheduled } from "../worker/domain/scheduled-messages/fire";

type Armed = ScheduledRef & { at: number };

/**
 * One per scheduled message (named by its id): it only holds an alarm at the message's send
 * time, to the second. One object per message rather than one per workspace keeps it simple
 * and correct: moving or cancelling a message never has to find the workspace's next due time
 * again; `setAlarm` just moves this one, and a cancelled message's alarm finds nothing to send.
 * The alarm fires what is due by the time it was armed for, so an alarm left from before a move
 * to a later time sends nothing. Sending claims the row first: an alarm run twice sends once.
 */
export class ScheduledMessageAlarm extends DurableObject<Env> {
  async arm(ref: ScheduledRef, at: number) {
    await this.ctx.storage.put<Armed>("armed", { ...ref, at });
    await this.ctx.storage.setAlarm(at);
  }

  override async alarm() {
    const armed = await this.ctx.storage.get<Armed>("armed");
    if (!armed) return;
    // a throw is retried by the runtime (and by the every-minute safety net)
    await fireScheduled(createDb(this.env.DB), this.env, armed, armed.at, Date.now());
    const now = await this.ctx.storage.get<Armed>("armed");
    if (now?.at === armed.at) await this.ctx.storage.delete("armed");
  }
}
