import { describe, expect, it } from "vitest";
import { isIban, passesLuhn, redactPii } from "../../worker/domain/ai/redact";

describe("masking personal data in stored AI calls", () => {
  it("masks email addresses", () => {
    expect(redactPii("Write to maria.jose+shop@correo.example.pt, thanks")).toBe(
      "Write to [email], thanks",
    );
    expect(redactPii("joão@exemplo.com.br")).toBe("[email]");
  });

  it("masks phone numbers in E.164 and national formats", () => {
    expect(redactPii("Call +351912345678 today")).toBe("Call [phone] today");
    expect(redactPii("Call +1 (415) 555-0123.")).toBe("Call [phone].");
    expect(redactPii("my number is +44 20 7946 0958")).toBe("my number is [phone]");
    expect(redactPii("mobile 06 12 34 56 78 or 555-123-4567")).toBe("mobile [phone] or [phone]");
    expect(redactPii("(11) 98765-4321")).toBe("[phone]");
    expect(redactPii("ring 020 7946 0958!")).toBe("ring [phone]!");
  });

  it("masks payment card numbers that pass Luhn, spaced, dashed or not", () => {
    expect(redactPii("card 4111 1111 1111 1111 exp 12/29")).toBe("card [card] exp 12/29");
    expect(redactPii("5500-0000-0000-0004")).toBe("[card]");
    expect(redactPii("378282246310005")).toBe("[card]");
    expect(passesLuhn("4111111111111112")).toBe(false);
    expect(redactPii("ref 4111111111111112")).toBe("ref 4111111111111112");
  });

  it("masks IBANs whose check digits are right", () => {
    expect(redactPii("pay to DE89 3704 0044 0532 0130 00 please")).toBe("pay to [iban] please");
    expect(redactPii("PT50000201231234567890154")).toBe("[iban]");
    expect(redactPii("gb82west12345698765432")).toBe("[iban]");
    expect(isIban("DE89370400440532013001")).toBe(false);
  });

  it("keeps order numbers, dates, prices, times and short numbers", () => {
    const kept = [
      "Order #123456789 was shipped",
      "order ORD-2026-00042",
      "delivered on 2026-12-07 at 10:30",
      "on 07/12/2026",
      "it costs $1,299.00 or 1 299,00 €",
      "a flat of € 12 500 000",
      "R$ 1.234.567,89",
      "room 42, floor 3, 12 items",
      "call me between 10-12",
      "tracking 1Z999AA10123456784",
      "version 1.2.3",
    ];
    for (const text of kept) expect(redactPii(text), text).toBe(text);
  });

  it("masks each kind in one text and leaves the rest as written", () => {
    expect(
      redactPii(
        "I'm Ana (ana@acme.test, +34 612 34 56 78), order #4821, card 4242424242424242, IBAN ES9121000418450200051332.",
      ),
    ).toBe("I'm Ana ([email], [phone]), order #4821, card [card], IBAN [iban].");
  });
});
