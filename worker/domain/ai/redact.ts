/**
 * Masks personal data in a text: email addresses, IBANs, payment card numbers and phone numbers
 * become `[email]`, `[iban]`, `[card]` and `[phone]`. Numbers that are not personal (order
 * numbers, dates, prices, short numbers) stay. Used on what Conversa stores of AI calls, never
 * on what the provider is sent.
 */

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;

/** Country code, check digits, then groups of four (spaced or not) and a short last group. */
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b/gi;

/** 13 to 19 digits, single spaces or dashes between them. */
const CARD = /(?<![\w+-])\d(?:[ -]?\d){12,18}(?![\w-])/g;

/** `+` and a country code, then digits with spaces, dashes, dots or an area code in brackets. */
const INTERNATIONAL_PHONE = /(?<![\w+])\+\d{1,4}(?:[ .-]?(?:\(\d{1,5}\)|\d{1,5})){1,6}(?![\w-])/g;

/** Digit groups joined by single spaces or dashes, or an area code in brackets first. */
const NATIONAL_PHONE =
  /(?<![\w#+.,/:-])(?:\(\d{1,5}\) ?|\d{1,5}[ -])(?:\d{2,5}[ -]){0,4}\d{2,5}(?![\w.,/:-]|[ -]\d)/g;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY_BEFORE = /[$€£¥₹₽¤]\s?$|\b(?:USD|EUR|GBP|BRL|CHF|R\$)\s?$/i;
const CURRENCY_AFTER = /^\s?(?:[$€£¥₹₽¤]|(?:USD|EUR|GBP|BRL|CHF|reais|euros?|dollars?)\b)/i;

const digitsOf = (text: string) => text.replace(/\D/g, "");

/** The Luhn checksum every payment card number passes. */
export function passesLuhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** The ISO 13616 check: the rearranged IBAN, letters as numbers, is 1 modulo 97. */
export function isIban(candidate: string): boolean {
  const iban = candidate.replace(/ /g, "").toUpperCase();
  if (iban.length < 15 || iban.length > 34) return false;
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const char of rearranged) {
    const value = /\d/.test(char) ? char : String(char.charCodeAt(0) - 55);
    for (const digit of value) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder === 1;
}

/** A number with a currency beside it is a price, whatever its digits. */
function isPrice(text: string, start: number, end: number): boolean {
  return (
    CURRENCY_BEFORE.test(text.slice(Math.max(0, start - 4), start)) ||
    CURRENCY_AFTER.test(text.slice(end, end + 8))
  );
}

function isNationalPhone(match: string, text: string, offset: number): boolean {
  const digits = digitsOf(match).length;
  if (digits < 7 || digits > 15) return false;
  if (ISO_DATE.test(match)) return false;
  return !isPrice(text, offset, offset + match.length);
}

export function redactPii(text: string): string {
  return text
    .replace(EMAIL, "[email]")
    .replace(IBAN, (match) => (isIban(match) ? "[iban]" : match))
    .replace(CARD, (match) => (passesLuhn(digitsOf(match)) ? "[card]" : match))
    .replace(INTERNATIONAL_PHONE, (match) => {
      const digits = digitsOf(match).length;
      return digits >= 7 && digits <= 15 ? "[phone]" : match;
    })
    .replace(NATIONAL_PHONE, (match, offset: number, whole: string) =>
      isNationalPhone(match, whole, offset) ? "[phone]" : match,
    );
}
