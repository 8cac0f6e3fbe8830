import {
  type Catalog,
  type CatalogValue,
  DEFAULT_LANGUAGE,
  directionOf,
  type Language,
  type Params,
  pickLanguage,
  translate,
} from "../i18n";

type Namespace = Record<string, CatalogValue>;

// English ships with the app; other languages load on demand. The widget's catalogs are its own.
const english = import.meta.glob<Namespace>(
  ["../../locales/en/*.json", "!../../locales/en/widget.json"],
  {
    eager: true,
    import: "default",
  },
);
const others = import.meta.glob<Namespace>(
  ["../../locales/*/*.json", "!../../locales/*/widget.json"],
  {
    import: "default",
  },
);

const namespaceOf = (path: string) => path.slice(path.lastIndexOf("/") + 1, -".json".length);
const languageOf = (path: string) => path.split("/").at(-2) as Language;

function catalogFrom(entries: [string, Namespace][]): Catalog {
  return Object.fromEntries(entries.map(([path, ns]) => [namespaceOf(path), ns]));
}

const catalogs: Partial<Record<Language, Catalog>> = {
  [DEFAULT_LANGUAGE]: catalogFrom(Object.entries(english)),
};
let current: Language = DEFAULT_LANGUAGE;

/** Loads `language`'s catalogs, then makes it the one `t` speaks and sets the page's lang/dir. */
export async function loadLanguage(wanted?: string | null): Promise<Language> {
  const language = pickLanguage(wanted, ...navigator.languages);
  if (!catalogs[language]) {
    const files = Object.entries(others).filter(([path]) => languageOf(path) === language);
    const loaded = await Promise.all(
      files.map(async ([path, load]) => [path, await load()] as const),
    );
    catalogs[language] = catalogFrom(loaded as [string, Namespace][]);
  }
  current = language;
  document.documentElement.lang = language;
  document.documentElement.dir = directionOf(language);
  return language;
}

export const currentLanguage = () => current;

/** The text for `key` ("namespace.key") in the agent's language. */
export const t = (key: string, params?: Params) => translate(catalogs, current, key, params);

/** Dates, times and numbers in the agent's language (and, when given, a time zone). */
export const formatDate = (
  value: string | number | Date,
  options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" },
) => new Intl.DateTimeFormat(current, options).format(new Date(value));

export const formatNumber = (value: number, options?: Intl.NumberFormatOptions) =>
  new Intl.NumberFormat(current, options).format(value);

/** "5 minutes ago", "in 2 hours" */
export function formatRelative(value: string | number | Date, now = Date.now()) {
  const seconds = Math.round((new Date(value).getTime() - now) / 1000);
  const format = new Intl.RelativeTimeFormat(current, { numeric: "auto", style: "short" });
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [unit, size] of units)
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  return format.format(0, "minute");
}
