/** The languages the web apps speak (catalogs in web/locales/<code>/). */
export const UI_LANGUAGES = ["en", "es", "pt-BR", "fr", "ar", "tr"] as const;
export type UiLanguage = (typeof UI_LANGUAGES)[number];
