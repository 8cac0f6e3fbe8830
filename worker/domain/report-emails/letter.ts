import type { UiLanguage } from "../../schemas/languages";
import { CATALOG, type Words } from "./catalog";
import type { Summary } from "./summary";

/** Intl's locale for each app language; English dates read "30 Nov". */
const LOCALES: Record<UiLanguage, string> = {
  en: "en-GB",
  es: "es",
  "pt-BR": "pt-BR",
  fr: "fr",
  ar: "ar",
  tr: "tr",
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] ?? c,
  );

function dayMonth(date: string, locale: string) {
  return new Intl.DateTimeFormat(locale, {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  }).format(new Date(`${date}T00:00:00Z`));
}

/** "30 Nov–6 Dec", or one day. */
export function rangeLabel(from: string, to: string, language: UiLanguage) {
  const locale = LOCALES[language];
  return from === to ? dayMonth(from, locale) : `${dayMonth(from, locale)}–${dayMonth(to, locale)}`;
}

/** A duration in the largest unit that keeps it readable: 45 sec, 5 min, 2 hr, 1.5 days. */
export function durationLabel(seconds: number | null, language: UiLanguage) {
  if (seconds === null) return "—";
  const unit = (value: number, name: string, digits = 0) =>
    new Intl.NumberFormat(LOCALES[language], {
      style: "unit",
      unit: name,
      unitDisplay: "short",
      maximumFractionDigits: digits,
    }).format(value);
  if (seconds < 60) return unit(seconds, "second");
  if (seconds < 3600) return unit(Math.round(seconds / 60), "minute");
  if (seconds < 86_400) return unit(seconds / 3600, "hour", 1);
  return unit(seconds / 86_400, "day", 1);
}

type Row = [label: string, now: string, before: string];

function metricRows(summary: Summary, words: Words, language: UiLanguage): Row[] {
  const { totals: t, previous: p } = summary;
  const count = (n: number) => new Intl.NumberFormat(LOCALES[language]).format(n);
  const time = (n: number | null) => durationLabel(n, language);
  return [
    [words.conversationsOpened, count(t.conversations_opened), count(p.conversations_opened)],
    [words.conversationsClosed, count(t.conversations_closed), count(p.conversations_closed)],
    [words.messagesIn, count(t.messages_in), count(p.messages_in)],
    [words.messagesOut, count(t.messages_out), count(p.messages_out)],
    [
      words.firstResponseMedian,
      time(t.first_response_time.median_seconds),
      time(p.first_response_time.median_seconds),
    ],
    [
      words.resolutionMedian,
      time(t.resolution_time.median_seconds),
      time(p.resolution_time.median_seconds),
    ],
  ];
}

/** CSAT and NPS lines, when the range had answers. */
function satisfactionLines(summary: Summary, words: Words) {
  const csat = summary.csat;
  if (!csat) return [];
  const lines = [];
  if (csat.csat.responses > 0)
    lines.push(
      `CSAT ${csat.csat.csat_percent ?? 0} % (${words.responses}: ${csat.csat.responses})`,
    );
  if (csat.nps.responses > 0)
    lines.push(`NPS ${csat.nps.nps ?? 0} (${words.responses}: ${csat.nps.responses})`);
  return lines;
}

const CELL = 'style="padding:6px 10px;border-bottom:1px solid #e5e7eb;text-align:start"';
const HEAD = 'style="padding:6px 10px;border-bottom:2px solid #d1d5db;text-align:start"';

const htmlTable = (head: string[], rows: string[][]) =>
  `<table role="presentation" cellpadding="0" cellspacing="0" border="0" style="border-collapse:collapse;width:100%;max-width:560px;font-size:14px">` +
  `<tr>${head.map((h) => `<th ${HEAD}>${escapeHtml(h)}</th>`).join("")}</tr>` +
  rows
    .map((row) => `<tr>${row.map((v) => `<td ${CELL}>${escapeHtml(v)}</td>`).join("")}</tr>`)
    .join("") +
  "</table>";

/** The e-mail of a summary in a language: subject, plain text and simple table HTML. */
export function summaryLetter(summary: Summary, language: UiLanguage) {
  const words = CATALOG[language];
  const title = summary.frequency === "weekly" ? words.weekly : words.daily;
  const subject = `${title} — ${summary.workspace} — ${rangeLabel(summary.from, summary.to, language)}`;
  const metrics = metricRows(summary, words, language);
  const agents = summary.agents.map((a) => [a.name ?? "—", String(a.replies), String(a.closed)]);
  const satisfaction = satisfactionLines(summary, words);
  const footer = words.footer.replace("{workspace}", summary.workspace);
  const text = [
    subject,
    "",
    ...metrics.map(
      ([label, now, before]) => `${label}: ${now} (${words.previousPeriod}: ${before})`,
    ),
    "",
    `${words.topAgents}:`,
    ...(agents.length
      ? agents.map(
          ([name, replies, closed]) =>
            `- ${name}: ${words.replies} ${replies}, ${words.closed} ${closed}`,
        )
      : [words.noAgents]),
    ...(satisfaction.length ? ["", `${words.satisfaction}:`, ...satisfaction] : []),
    "",
    footer,
  ].join("\n");
  const dir = language === "ar" ? "rtl" : "ltr";
  const section = (heading: string, body: string) =>
    `<h2 style="font-size:16px;margin:24px 0 8px">${escapeHtml(heading)}</h2>${body}`;
  const html = [
    `<!doctype html><html lang="${language}" dir="${dir}"><body style="margin:0;padding:16px;font-family:Arial,Helvetica,sans-serif;color:#111827">`,
    `<h1 style="font-size:18px;margin:0 0 16px">${escapeHtml(subject)}</h1>`,
    htmlTable([words.metric, words.thisPeriod, words.previousPeriod], metrics),
    section(
      words.topAgents,
      agents.length
        ? htmlTable([words.agent, words.replies, words.closed], agents)
        : `<p>${escapeHtml(words.noAgents)}</p>`,
    ),
    satisfaction.length
      ? section(
          words.satisfaction,
          satisfaction.map((l) => `<p style="margin:4px 0">${escapeHtml(l)}</p>`).join(""),
        )
      : "",
    `<p style="margin-top:24px;font-size:12px;color:#6b7280">${escapeHtml(footer)}</p>`,
    "</body></html>",
  ].join("");
  return { subject, text, html };
}
