import type { ChannelConfig } from "./channel";
import type { Speaker } from "./i18n";
import { MinimiseIcon } from "./icons";
import { initials } from "./thread";

/** The channel's name and whether anyone answers now, with a button to minimise. */
export function Header(props: { config: ChannelConfig; s: Speaker; onClose: () => void }) {
  const { config, s } = props;
  return (
    <header>
      <span class="logo" aria-hidden="true">
        {initials(config.name)}
      </span>
      <div class="title">
        <h2>{config.name}</h2>
        <span class={`status${config.away ? " off" : ""}`}>
          {config.away ? s.t("away") : s.t("online")}
        </span>
      </div>
      <button type="button" class="icon" aria-label={s.t("minimise")} onClick={props.onClose}>
        <MinimiseIcon />
      </button>
    </header>
  );
}
