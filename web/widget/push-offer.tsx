import { useState } from "preact/hooks";
import type { Speaker } from "./i18n";
import { BellIcon } from "./icons";
import type { LoaderHooks } from "./loader";
import type { Remembered } from "./session";

type Props = {
  s: Speaker;
  push: LoaderHooks["push"];
  told: Remembered;
  remember: (values: Remembered) => void;
};

/**
 * After the visitor's first message, on a site set up for web push: offers a notification
 * when the team replies. Only a press on "Turn on" asks the browser (its own prompt follows);
 * "Not now" is remembered, and a browser that already answered is never offered again.
 */
export function PushOffer({ s, push, told, remember }: Props) {
  const [state, setState] = useState<"offered" | "asking" | "on" | "unavailable">("offered");
  if (told.push && state === "offered") return null;
  if (state === "offered" && !push.canAsk()) return null;
  const turnOn = async () => {
    setState("asking");
    const subscribed = await push.subscribe().catch(() => false);
    remember({ push: subscribed ? "on" : "refused" });
    setState(subscribed ? "on" : "unavailable");
  };
  if (state === "on")
    return (
      <p class="card push-offer saved" role="status">
        {s.t("push_on")}
      </p>
    );
  if (state === "unavailable")
    return (
      <p class="card push-offer" role="status">
        {s.t("push_unavailable")}
      </p>
    );
  return (
    <section class="card push-offer" aria-label={s.t("push_offer")}>
      <p>
        <BellIcon /> {s.t("push_offer")}
      </p>
      <div class="push-actions">
        <button type="button" class="primary" disabled={state === "asking"} onClick={turnOn}>
          {s.t("push_turn_on")}
        </button>
        <button type="button" class="quiet" onClick={() => remember({ push: "not_now" })}>
          {s.t("push_not_now")}
        </button>
      </div>
    </section>
  );
}
