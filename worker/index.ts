import { createApp } from "./app";
import { receiveEmail } from "./email";
import { handleQueue } from "./queues";

export { ConversationDO } from "../durable-objects/conversation";
export { RateLimiter } from "../durable-objects/rate-limiter";
export { WorkspaceHub } from "../durable-objects/workspace-hub";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: handleQueue,
  email: receiveEmail,
} satisfies ExportedHandler<Env>;
