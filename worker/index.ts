import { createApp } from "./app";
import { wireListeners } from "./domain/events/record";
import { receiveEmail } from "./email";
import { LISTENERS } from "./listeners";
import { handleQueue } from "./queues";
import { handleScheduled } from "./scheduled";

export { ConversationDO } from "../durable-objects/conversation";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { ScheduledMessageAlarm } from "../durable-objects/scheduled-message-alarm";
export { WorkspaceHub } from "../durable-objects/workspace-hub";

wireListeners(LISTENERS);

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  email: receiveEmail,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
