/**
 * Translation for both web apps. Catalogs are JSON files a translator edits:
 * `web/locales/<language>/<namespace>.json`, one flat object per namespace. A key in code is
 * `namespace.key` (`t("common.save")`). A value is a string with `{name}` placeholders, or an
 * object of plural forms keyed by `Intl.PluralRules` categories (`one`, `other`, …) chosen by
 * the `count` parameter. Missing keys fall back to English, then to the key itself.
 */

export const LANGUAGES = [
  { code: "en", name: "English", dir: "ltr" },
  { code: "es", name: "Español", dir: "ltr" },
  { code: "pt-BR", name: "Português (Brasil)", dir: "ltr" },
  { code: "fr", name: "Français", dir: "ltr" },
  { code: "ar", name: "العربية", dir: "rtl" },
  { code: "tr", name: "Türkçe", dir: "ltr" },
] as const;

export type Language = (typeof LANGUAGES)[number]["code"];
export type CatalogValue = string | Partial<Record<Intl.LDMLPluralRule, string>>;
/** namespace → key → value */
export type Catalog = Record<string, Record<string, CatalogValue>>;
export type Params = Record<string, string | number>;

export const DEFAULT_LANGUAGE: Language = "en";

/** The supported language closest to a BCP 47 tag or a list of them ("pt-PT" → "pt-BR"). */
export function pickLanguage(...wanted: (string | null | undefined)[]): Language {
  for (const tag of wanted) {
    if (!tag) continue;
    const exact = LANGUAGES.find((l) => l.code.toLowerCase() === tag.toLowerCase());
    if (exact) return exact.code;
    const base = tag.split("-")[0]?.toLowerCase();
    const sameBase = LANGUAGES.find((l) => l.code.split("-")[0] === base);
    if (sameBase) return sameBase.code;
  }
  return DEFAULT_LANGUAGE;
}

export const directionOf = (language: Language) =>
  LANGUAGES.find((l) => l.code === language)?.dir ?? "ltr";

function lookup(catalog: Catalog | undefined, key: string): CatalogValue | undefined {
  const dot = key.indexOf(".");
  return catalog?.[key.slice(0, dot)]?.[key.slice(dot + 1)];
}

// First-strong isolate … pop directional isolate: a name in another script keeps its own order.
const isolate = (value: string) => `\u2068${value}\u2069`;

/**
 * Fills `{name}` placeholders. In a right-to-left language every filled-in text is isolated,
 * so an English automation name or an e-mail address does not reorder the Arabic around it.
 */
function interpolate(text: string, params: Params | undefined, language: Language) {
  if (!params) return text;
  const rtl = directionOf(language) === "rtl";
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    if (typeof value === "number") return new Intl.NumberFormat(language).format(value);
    return rtl && value ? isolate(value) : value;
  });
}

/** The text for `key` in `language`, English when the language lacks it. */
export function translate(
  catalogs: Partial<Record<Language, Catalog>>,
  language: Language,
  key: string,
  params?: Params,
): string {
  const value = lookup(catalogs[language], key) ?? lookup(catalogs[DEFAULT_LANGUAGE], key) ?? key;
  if (typeof value === "string") return interpolate(value, params, language);
  const count = Number(params?.count ?? 0);
  const form = new Intl.PluralRules(language).select(count);
  return interpolate(value[form] ?? value.other ?? key, params, language);
}
