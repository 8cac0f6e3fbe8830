import {
  type Catalog,
  type CatalogValue,
  directionOf,
  type Language,
  type Params,
  pickLanguage,
  translate,
} from "../shared/i18n";

// The six widget catalogs are small enough to ship inside the chat app (its size is budgeted).
const files = import.meta.glob<Record<string, CatalogValue>>("../locales/*/widget.json", {
  eager: true,
  import: "default",
});
const catalogs: Partial<Record<Language, Catalog>> = Object.fromEntries(
  Object.entries(files).map(([path, widget]) => [path.split("/").at(-2), { widget }]),
);

/** The channel's language when it has one, else the page's, else the browser's. */
export const widgetLanguage = (channelLanguage: string | null | undefined) =>
  pickLanguage(channelLanguage, document.documentElement.lang, ...navigator.languages);

export type Speaker = {
  language: Language;
  dir: "ltr" | "rtl";
  t: (key: string, params?: Params) => string;
  time: (iso: string) => string;
  day: (at: number) => string;
};

export function speaker(language: Language): Speaker {
  const clock = new Intl.DateTimeFormat(language, { hour: "numeric", minute: "2-digit" });
  const dated = new Intl.DateTimeFormat(language, {
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
  });
  const weekday = new Intl.DateTimeFormat(language, {
    weekday: "long",
    hour: "numeric",
    minute: "2-digit",
  });
  const today = new Date().toDateString();
  return {
    language,
    dir: directionOf(language),
    t: (key, params) => translate(catalogs, language, `widget.${key}`, params),
    time: (iso) => {
      const at = new Date(iso);
      return (at.toDateString() === today ? clock : dated).format(at);
    },
    day: (at) => weekday.format(at),
  };
}
