import { createApp } from "./app";

export { ConversationDO } from "../durable-objects/conversation";
export { WorkspaceHub } from "../durable-objects/workspace-hub";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
