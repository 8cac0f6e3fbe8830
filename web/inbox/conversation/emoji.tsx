import { t } from "../../shared/ui";

// A small built-in set, loaded only when the picker first opens.
const GROUPS: [string, string][] = [
  [
    "smileys",
    "😀 😃 😄 😁 😆 😅 😂 🤣 😊 😇 🙂 😉 😌 😍 🥰 😘 😋 😜 🤪 🤗 🤔 🤨 😐 😑 😶 🙄 😏 😬 😔 😴 😷 🤒 🤯 🥳 😎 🤓 😕 😟 😮 😲 😳 🥺 😢 😭 😱 😤 😡 🤝",
  ],
  ["gestures", "👍 👎 👌 ✌️ 🤞 🤟 🤙 👋 👏 🙌 🙏 💪 👀 🫶 ☝️ 👉 👈 👇"],
  ["symbols", "❤️ 🧡 💛 💚 💙 💜 🖤 💯 ✅ ❌ ⚠️ ❓ ❗ ⭐ 🌟 ✨ 🔥 🎉 🎁 🏆"],
  ["objects", "📦 🚚 ✈️ 🏠 🛒 💳 💶 💵 🧾 📅 ⏰ 📞 📱 💻 📧 📎 🔒 🔑 🛠️ 📍 ☕ 🍕 🎂 🌞 🌧️"],
];

function groupLabel(id: string) {
  const labels: Record<string, string> = {
    smileys: t("conversation.emoji.smileys"),
    gestures: t("conversation.emoji.gestures"),
    symbols: t("conversation.emoji.symbols"),
    objects: t("conversation.emoji.objects"),
  };
  return labels[id] ?? id;
}

/** A grid of emoji buttons; picking one inserts it at the caret. */
export function EmojiGrid({ onPick }: { onPick: (emoji: string) => void }) {
  return (
    <div class="emoji-grid">
      {GROUPS.map(([id, list]) => (
        <section key={id} aria-label={groupLabel(id)}>
          <h3>{groupLabel(id)}</h3>
          <div class="emoji-row">
            {list.split(" ").map((emoji) => (
              <button type="button" key={emoji} onClick={() => onPick(emoji)} title={emoji}>
                {emoji}
              </button>
            ))}
          </div>
        </section>
      ))}
    </div>
  );
}
