import { z } from "@hono/zod-openapi";
import { type CountryCode, parsePhoneNumberFromString } from "libphonenumber-js";
import type { AskStep } from "../../schemas/automations";

export type AnswerType = AskStep["answer_type"];
export type Reading = { valid: true; value: string | number } | { valid: false };

const INVALID: Reading = { valid: false };

/** "12,5", "12.5", "1.234,5", "1,234.5", "-3": the last separator is the decimal one. */
export function readNumber(text: string): Reading {
  const compact = text.trim().replace(/[\s\u00a0']/g, "");
  if (!/^[+-]?\d[\d.,]*$/.test(compact) || /[.,]$/.test(compact)) return INVALID;
  const last = Math.max(compact.lastIndexOf("."), compact.lastIndexOf(","));
  const separator = compact[last];
  const repeated = last >= 0 && compact.indexOf(separator ?? "") !== last;
  const mixed = compact.includes(".") && compact.includes(",");
  // one kind of separator, repeated: thousands ("1.234.567")
  const normalized =
    last < 0 || (repeated && !mixed)
      ? compact.replace(/[.,]/g, "")
      : `${compact.slice(0, last).replace(/[.,]/g, "")}.${compact.slice(last + 1)}`;
  const value = Number(normalized);
  return Number.isFinite(value) ? { valid: true, value } : INVALID;
}

const Email = z.email();

/** Case, accents and surrounding spaces do not matter when matching a choice. */
const folded = (text: string) =>
  text.normalize("NFD").replace(/\p{M}/gu, "").trim().toLowerCase().replace(/\s+/g, " ");

/** A choice by its text or its number in the list ("2", "2.", "2)"); the choice's own text. */
export function readChoice(text: string, choices: string[]): Reading {
  const number = /^\s*(\d{1,2})\s*[.)]?\s*$/.exec(text)?.[1];
  const byNumber = number ? choices[Number(number) - 1] : undefined;
  const chosen = byNumber ?? choices.find((choice) => folded(choice) === folded(text));
  return chosen === undefined ? INVALID : { valid: true, value: chosen };
}

/**
 * Reads a customer's answer as the question's type wants it: a number, an email (lower-case),
 * a phone in E.164 (read in `country` when written without a prefix), a choice, or any text.
 */
export function readAnswer(
  type: AnswerType,
  text: string,
  options: { choices?: string[] | undefined; country: string },
): Reading {
  const trimmed = text.trim();
  if (!trimmed) return INVALID;
  switch (type) {
    case "text":
      return { valid: true, value: trimmed };
    case "number":
      return readNumber(trimmed);
    case "email":
      return Email.safeParse(trimmed).success
        ? { valid: true, value: trimmed.toLowerCase() }
        : INVALID;
    case "phone": {
      const phone = parsePhoneNumberFromString(trimmed, options.country as CountryCode);
      return phone?.isValid() ? { valid: true, value: phone.number } : INVALID;
    }
    case "choice":
      return readChoice(trimmed, options.choices ?? []);
  }
}

/** The question as sent: a choice question lists its choices, numbered. */
export function questionText(question: string, step: Pick<AskStep, "answer_type" | "choices">) {
  if (step.answer_type !== "choice" || !step.choices?.length) return question;
  return `${question}\n${step.choices.map((choice, i) => `${i + 1}. ${choice}`).join("\n")}`;
}

type Hints = Record<AnswerType, string>;

/** The hints in the languages the apps speak; a customer in any other reads English. */
const HINTS: Record<string, Hints> = {
  en: {
    text: "Please write your answer.",
    number: "Please answer with a number.",
    email: "Please answer with an email address, like name@example.com.",
    phone: "Please answer with a phone number, like +1 212 555 0100.",
    choice: "Please answer with one of the options, or its number.",
  },
  es: {
    text: "Por favor, escribe tu respuesta.",
    number: "Por favor, responde con un número.",
    email: "Por favor, responde con un correo electrónico, como nombre@ejemplo.com.",
    phone: "Por favor, responde con un número de teléfono, como +34 612 345 678.",
    choice: "Por favor, responde con una de las opciones o su número.",
  },
  pt: {
    text: "Por favor, escreva sua resposta.",
    number: "Por favor, responda com um número.",
    email: "Por favor, responda com um e-mail, como nome@exemplo.com.",
    phone: "Por favor, responda com um número de telefone, como +55 11 98765 4321.",
    choice: "Por favor, responda com uma das opções ou o número dela.",
  },
  fr: {
    text: "Merci d'écrire votre réponse.",
    number: "Merci de répondre par un nombre.",
    email: "Merci de répondre par une adresse e-mail, comme nom@exemple.com.",
    phone: "Merci de répondre par un numéro de téléphone, comme +33 6 12 34 56 78.",
    choice: "Merci de répondre par l'une des options, ou son numéro.",
  },
  tr: {
    text: "Lütfen cevabınızı yazın.",
    number: "Lütfen bir sayı ile cevap verin.",
    email: "Lütfen ad@ornek.com gibi bir e-posta adresiyle cevap verin.",
    phone: "Lütfen +90 532 123 45 67 gibi bir telefon numarasıyla cevap verin.",
    choice: "Lütfen seçeneklerden biriyle ya da numarasıyla cevap verin.",
  },
  ar: {
    text: "يرجى كتابة إجابتك.",
    number: "يرجى الإجابة برقم.",
    email: "يرجى الإجابة بعنوان بريد إلكتروني، مثل name@example.com.",
    phone: "يرجى الإجابة برقم هاتف، مثل ‎+971 50 123 4567.",
    choice: "يرجى الإجابة بأحد الخيارات أو برقمه.",
  },
};

/**
 * The short hint an invalid answer gets before the question is asked again, in the customer's
 * language ("pt-BR" reads Portuguese), English when it is unknown or not one of ours.
 */
export function hintFor(type: AnswerType, language?: string | null) {
  const base = language?.toLowerCase().split("-")[0] ?? "en";
  return (HINTS[base] ?? (HINTS.en as Hints))[type];
}
