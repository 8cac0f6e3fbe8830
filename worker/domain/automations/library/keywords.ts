import { type AutomationTemplate, message, same, TEAM, text } from "./kit";

export const KEYWORDS: AutomationTemplate[] = [
  {
    key: "keyword-balance",
    category: "keywords",
    name: { en: "Balance by keyword", es: "Saldo por palabra clave" },
    description: {
      en: "A customer who writes BALANCE, SALDO or DEUDA gets their balance from a contact field.",
      es: "Quien escribe SALDO, DEUDA o BALANCE recibe su saldo desde un campo del contacto.",
    },
    inputs: [
      {
        key: "keywords",
        kind: "keywords",
        required: true,
        label: { en: "Keywords", es: "Palabras clave" },
        default: same(["balance", "saldo", "deuda"]),
      },
      {
        key: "field",
        kind: "field",
        required: true,
        label: { en: "Balance field", es: "Campo del saldo" },
        default: same("balance"),
      },
      message("message", "Your balance is {{balance}}.", "Tu saldo es {{balance}}."),
    ],
    build: (i) => ({
      trigger: { type: "message.received", keywords: i.keywords as string[], match: "word" },
      steps: [
        {
          type: "send_message",
          text: text(i.message).replaceAll("{{balance}}", `{{contact.fields.${text(i.field)}|—}}`),
        },
      ],
    }),
  },
  {
    key: "keyword-support",
    category: "keywords",
    name: { en: "Support ticket by keyword", es: "Ticket de soporte por palabra clave" },
    description: {
      en: "A customer who writes SUPPORT or SOPORTE gets a ticket: the conversation opens for the team with a label, and the reply gives its number.",
      es: "Quien escribe SOPORTE o SUPPORT recibe un ticket: la conversación se abre para el equipo con una etiqueta y la respuesta da su número.",
    },
    inputs: [
      {
        key: "keywords",
        kind: "keywords",
        required: true,
        label: { en: "Keywords", es: "Palabras clave" },
        default: same(["support", "soporte"]),
      },
      TEAM,
      {
        key: "label",
        kind: "label",
        required: true,
        label: { en: "Category label", es: "Etiqueta de categoría" },
      },
      {
        key: "per_day",
        kind: "count",
        required: true,
        min: 1,
        max: 50,
        label: { en: "Tickets per contact per day", es: "Tickets por contacto y día" },
        default: same(3),
      },
      message(
        "message",
        "We opened ticket #{{conversation.number}}. An agent will write to you soon.",
        "Abrimos el ticket #{{conversation.number}}. Un agente te escribirá pronto.",
      ),
    ],
    build: (i) => ({
      trigger: { type: "message.received", keywords: i.keywords as string[], match: "word" },
      frequency: { type: "limit", count: Number(i.per_day), period_hours: 24 },
      steps: [
        { type: "open_conversation" },
        { type: "assign", team_id: text(i.team_id) },
        { type: "add_label", label: text(i.label) },
        { type: "send_message", text: text(i.message) },
      ],
    }),
  },
];
