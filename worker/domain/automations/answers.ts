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

const HINTS: Record<AnswerType, string> = {
  text: "Please write your answer.",
  number: "Please answer with a number.",
  email: "Please answer with an email address, like name@example.com.",
  phone: "Please answer with a phone number, like +1 212 555 0100.",
  choice: "Please answer with one of the options, or its number.",
};

/** The short hint an invalid answer gets before the question is asked again. */
export const hintFor = (type: AnswerType) => HINTS[type];
