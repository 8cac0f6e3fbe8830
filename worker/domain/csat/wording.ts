import type { CsatScale } from "../../db/schema";
import { WIDGET_LANGUAGES } from "../../schemas/channels";

/** The languages a survey speaks: the widget's. */
export type SurveyLanguage = (typeof WIDGET_LANGUAGES)[number];

type Wording = {
  csat_5: string;
  nps_10: string;
  /** How to answer on a channel without buttons; `{max}` and `{min}` are the scale's ends. */
  reply_with_number: string;
  ask_comment: string;
  thanks: string;
};

const WORDING: Record<SurveyLanguage, Wording> = {
  en: {
    csat_5: "How satisfied are you with the help you received?",
    nps_10: "How likely are you to recommend us to a friend or colleague?",
    reply_with_number: "Reply with a number from {min} to {max}.",
    ask_comment: "Thank you! Is there anything you would like to tell us?",
    thanks: "Thank you for your feedback!",
  },
  es: {
    csat_5: "¿Qué tan satisfecho estás con la ayuda que recibiste?",
    nps_10: "¿Qué probabilidad hay de que nos recomiendes a un amigo o colega?",
    reply_with_number: "Responde con un número del {min} al {max}.",
    ask_comment: "¡Gracias! ¿Hay algo más que quieras contarnos?",
    thanks: "¡Gracias por tu opinión!",
  },
  "pt-BR": {
    csat_5: "Quão satisfeito você está com o atendimento que recebeu?",
    nps_10: "Qual a probabilidade de você nos recomendar a um amigo ou colega?",
    reply_with_number: "Responda com um número de {min} a {max}.",
    ask_comment: "Obrigado! Há algo mais que você gostaria de nos contar?",
    thanks: "Obrigado pela sua avaliação!",
  },
  fr: {
    csat_5: "Êtes-vous satisfait de l'aide que vous avez reçue ?",
    nps_10: "Quelle est la probabilité que vous nous recommandiez à un ami ou un collègue ?",
    reply_with_number: "Répondez par un nombre de {min} à {max}.",
    ask_comment: "Merci ! Souhaitez-vous nous dire autre chose ?",
    thanks: "Merci pour votre avis !",
  },
  ar: {
    csat_5: "ما مدى رضاك عن المساعدة التي تلقيتها؟",
    nps_10: "ما مدى احتمال أن توصي بنا لصديق أو زميل؟",
    reply_with_number: "أجب برقم من {min} إلى {max}.",
    ask_comment: "شكرًا لك! هل هناك شيء تود إخبارنا به؟",
    thanks: "شكرًا على رأيك!",
  },
  tr: {
    csat_5: "Aldığınız destekten ne kadar memnunsunuz?",
    nps_10: "Bizi bir arkadaşınıza veya iş arkadaşınıza tavsiye etme olasılığınız nedir?",
    reply_with_number: "{min} ile {max} arasında bir sayıyla yanıtlayın.",
    ask_comment: "Teşekkürler! Bize söylemek istediğiniz başka bir şey var mı?",
    thanks: "Geri bildiriminiz için teşekkürler!",
  },
};

/** The scale's lowest and highest score. */
export const scaleRange = (scale: CsatScale) =>
  scale === "csat_5" ? { min: 1, max: 5 } : { min: 0, max: 10 };

/** One of the survey's languages for a contact's or channel's language tag ("es-MX" → "es"). */
export function surveyLanguage(...tags: (string | null | undefined)[]): SurveyLanguage {
  for (const tag of tags) {
    if (!tag) continue;
    const exact = WIDGET_LANGUAGES.find((language) => language.toLowerCase() === tag.toLowerCase());
    if (exact) return exact;
    const base = tag.toLowerCase().split(/[-_]/)[0];
    const byBase = WIDGET_LANGUAGES.find((language) => language.split("-")[0] === base);
    if (byBase) return byBase;
  }
  return "en";
}

/** The question, the channel's own wording or the default in the language. */
export const surveyQuestion = (scale: CsatScale, language: SurveyLanguage, custom?: string) =>
  custom ?? WORDING[language][scale];

/** The question as text for a channel without buttons: with how to answer. */
export function surveyText(scale: CsatScale, language: SurveyLanguage, custom?: string) {
  const { min, max } = scaleRange(scale);
  const how = WORDING[language].reply_with_number
    .replace("{min}", String(min))
    .replace("{max}", String(max));
  return `${surveyQuestion(scale, language, custom)}\n${how}`;
}

export const commentPrompt = (language: SurveyLanguage) => WORDING[language].ask_comment;
export const thanksText = (language: SurveyLanguage) => WORDING[language].thanks;

/**
 * The score a customer's reply gives, or null when it is not one: "4", " 4 ", "4/5", "⭐⭐⭐⭐"
 * (stars on the 1–5 scale only).
 */
export function scoreFromReply(text: string | null, scale: CsatScale): number | null {
  if (!text) return null;
  const trimmed = text.trim().replace(/\uFE0F/g, "");
  const { min, max } = scaleRange(scale);
  const stars = /^(?:⭐|★)+$/u.test(trimmed) ? [...trimmed].length : null;
  if (stars !== null) return scale === "csat_5" && stars >= min && stars <= max ? stars : null;
  const match = /^(\d{1,2})(?:\s*\/\s*(\d{1,2}))?[.!]?$/.exec(trimmed);
  if (!match) return null;
  if (match[2] !== undefined && Number(match[2]) !== max) return null;
  const score = Number(match[1]);
  return score >= min && score <= max ? score : null;
}
