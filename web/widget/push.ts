import { useEffect } from "preact/hooks";
import type { Session, VisitorRequest } from "./session";

/** What the browser's PushSubscription.toJSON() gives. */
export type BrowserSubscription = PushSubscriptionJSON;

type PushCalls = {
  subscribe(channelId: string, subscription: BrowserSubscription): Promise<void>;
  unsubscribe(channelId: string, endpoint: string): Promise<void>;
};

let ready: (calls: PushCalls) => void = () => {};
/** The visitor's push calls, once their session has started. */
const calls = new Promise<PushCalls>((resolve) => {
  ready = resolve;
});

/** Gives the loader's push commands the visitor's session as soon as there is one. */
export function usePushCalls(session: Session | null, visitorRequest: VisitorRequest) {
  useEffect(() => {
    if (!session) return;
    ready({
      subscribe: (channelId, subscription) =>
        visitorRequest("/widget/v1/push-subscriptions", {
          method: "POST",
          json: { channel_id: channelId, subscription, user_agent: navigator.userAgent },
        }),
      unsubscribe: (channelId, endpoint) =>
        visitorRequest(
          `/widget/v1/push-subscriptions?${new URLSearchParams({ channel_id: channelId, endpoint })}`,
          { method: "DELETE" },
        ),
    });
  }, [session]);
}

export const pushCommands = {
  subscribe: (channelId: string, subscription: BrowserSubscription) =>
    calls.then((c) => c.subscribe(channelId, subscription)),
  unsubscribe: (channelId: string, endpoint: string) =>
    calls.then((c) => c.unsubscribe(channelId, endpoint)),
};
