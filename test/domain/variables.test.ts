import { describe, expect, it } from "vitest";
import { renderVariables, unknownVariables } from "../../worker/domain/messaging/variables";

const context = {
  contact: {
    name: "María José Pérez",
    phone: "+34612345678",
    email: null,
    fields: { balance: 42.5, plan: "gold", vip: true },
  },
  agent: { name: "Ana López", email: "ana@acme.test" },
  workspace: { name: "Acme" },
};

describe("the variable engine", () => {
  it("fills the conversation's number, and knows it as a variable", () => {
    const text = "Ticket #{{conversation.number}} · {{conversation.number|new}}";
    expect(renderVariables(text, { conversation: { number: 1042 } }).text).toBe(
      "Ticket #1042 · 1042",
    );
    expect(renderVariables("#{{conversation.number|—}}", {}).text).toBe("#—");
    expect(unknownVariables(text, [])).toEqual([]);
    expect(unknownVariables("{{conversation.id}}", [])).toEqual(["{{conversation.id}}"]);
  });

  it("fills contact, custom field, agent and workspace variables", () => {
    expect(
      renderVariables(
        "Hola {{contact.first_name}}, saldo {{ contact.fields.balance }} € ({{contact.fields.plan}}). {{agent.first_name}} de {{workspace.name}}",
        context,
      ),
    ).toEqual({ text: "Hola María, saldo 42.5 € (gold). Ana de Acme", missing: [] });
    expect(renderVariables("{{contact.last_name}}", context).text).toBe("José Pérez");
  });

  it("uses defaults for missing values and never leaves raw braces", () => {
    expect(renderVariables("Hi {{contact.email|there}}!", context).text).toBe("Hi there!");
    expect(renderVariables("Hi {{contact.first_name|there}}!", { contact: null })).toEqual({
      text: "Hi there!",
      missing: [],
    });
    expect(renderVariables("Balance: {{contact.fields.debt}}.", context)).toEqual({
      text: "Balance: .",
      missing: ["contact.fields.debt"],
    });
  });

  it("accepts %name%-style placeholders as aliases and keeps unknown percent words", () => {
    expect(renderVariables("Dear %name%, %agent% from %company% (100% sure)", context).text).toBe(
      "Dear María José Pérez, Ana López from Acme (100% sure)",
    );
    expect(renderVariables("%discount% off", context).text).toBe("%discount% off");
  });

  it("inserts values as text, not as more variables, and honours escaped braces", () => {
    const sneaky = { contact: { name: "{{agent.email}}" }, agent: { email: "secret@acme.test" } };
    expect(renderVariables("Hi {{contact.name}}", sneaky).text).toBe("Hi {{agent.email}}");
    expect(renderVariables("Type \\{{contact.name}} literally", context).text).toBe(
      "Type {{contact.name}} literally",
    );
  });

  it("reports unknown variables as written, at save time", () => {
    expect(
      unknownVariables(
        "{{contact.first_name}} {{contact.fields.balance}} {{contact.fields.nope}} {{order.id}} {{contact.name.first}} %name% {{1}}",
        ["balance"],
      ),
    ).toEqual(["{{contact.fields.nope}}", "{{order.id}}", "{{contact.name.first}}", "{{1}}"]);
    expect(unknownVariables("plain text, 50% off", [])).toEqual([]);
  });
});
