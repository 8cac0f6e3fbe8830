import { describe, expect, it } from "vitest";
import { type Catalog, translate } from "../../web/shared/i18n";

const catalogs: Record<"en" | "ar", Catalog> = {
  en: { conversation: { tagged: "Automation “{automation}” tagged {tag}" } },
  ar: { conversation: { tagged: "الأتمتة «{automation}» أضافت الوسم {tag}" } },
};

describe("filling placeholders", () => {
  it("isolates each filled-in text in a right-to-left language", () => {
    const line = translate(catalogs, "ar", "conversation.tagged", {
      automation: "Prices bot",
      tag: "lead",
    });
    expect(line).toBe("الأتمتة «\u2068Prices bot\u2069» أضافت الوسم \u2068lead\u2069");
  });

  it("leaves left-to-right text as written", () => {
    const line = translate(catalogs, "en", "conversation.tagged", {
      automation: "Prices bot",
      tag: "lead",
    });
    expect(line).toBe("Automation “Prices bot” tagged lead");
  });

  it("formats numbers for the language without isolating them", () => {
    const ar = { ...catalogs.ar, c: { n: "{count} محادثات" } };
    const twelveThousand = new Intl.NumberFormat("ar").format(12_000);
    expect(translate({ ar }, "ar", "c.n", { count: 12_000 })).toBe(`${twelveThousand} محادثات`);
  });
});
