/** A conversation's Durable Object: its messages in order and its sockets. */
export const conversationStub = (env: Env, conversationId: string) =>
  env.CONVERSATIONS.get(env.CONVERSATIONS.idFromName(conversationId));

/** A workspace's Durable Object: the live inbox list, presence, the projection writer, assignment. */
export const hubFor = (env: Env, workspaceId: string) =>
  env.WORKSPACE_HUB.get(env.WORKSPACE_HUB.idFromName(workspaceId));
