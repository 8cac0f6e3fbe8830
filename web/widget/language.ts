import { pickLanguage } from "../shared/i18n";

/** The channel's language when it has one, else the page's, else the browser's. */
export const widgetLanguage = (channelLanguage: string | null | undefined) =>
  pickLanguage(channelLanguage, document.documentElement.lang, ...navigator.languages);
