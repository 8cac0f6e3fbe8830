import type { z } from "@hono/zod-openapi";
import type { Conditions } from "../../schemas/automation-rules";
import type { AutomationCreate } from "../../schemas/automations";

/** Languages the library is written in; the app's others read it in English. */
export type LibraryLanguage = "en" | "es";
type Localized = Record<LibraryLanguage, string>;

export type InputKind =
  | "team"
  | "channels"
  | "label"
  | "field"
  | "tag"
  | "message"
  | "keywords"
  | "count"
  | "choice";

export type TemplateInput = {
  key: string;
  kind: InputKind;
  required: boolean;
  label: Localized;
  /** A sample answer in each language (texts, keywords, numbers, field keys). */
  default?: Record<LibraryLanguage, unknown>;
  min?: number;
  max?: number;
};

export type Inputs = Record<string, unknown>;
type Definition = Omit<z.input<typeof AutomationCreate>, "name" | "description">;

export type AutomationTemplate = {
  key: string;
  category: "routing" | "replies" | "surveys" | "follow_up" | "keywords";
  name: Localized;
  description: Localized;
  inputs: TemplateInput[];
  build: (inputs: Inputs) => Definition;
};

const same = (value: unknown) => ({ en: value, es: value });
const text = (value: unknown) => String(value);
const one = (rule: Conditions["groups"][number]["rules"][number]): Conditions => ({
  match: "all",
  groups: [{ match: "all", rules: [rule] }],
});

const TEAM: TemplateInput = {
  key: "team_id",
  kind: "team",
  required: true,
  label: { en: "Team", es: "Equipo" },
};
const message = (key: string, en: string, es: string): TemplateInput => ({
  key,
  kind: "message",
  required: true,
  label: { en: "Message", es: "Mensaje" },
  default: { en, es },
});

export const TEMPLATES: AutomationTemplate[] = [
  {
    key: "sales-round-robin",
    category: "routing",
    name: { en: "Round robin for sales", es: "Reparto rotativo para ventas" },
    description: {
      en: "New conversations on the chosen channels go to the sales team, whose round robin picks the agent.",
      es: "Las conversaciones nuevas de los canales elegidos van al equipo de ventas, cuyo reparto rotativo elige al agente.",
    },
    inputs: [
      {
        key: "channel_ids",
        kind: "channels",
        required: true,
        label: { en: "Channels", es: "Canales" },
      },
      TEAM,
    ],
    build: (i) => ({
      trigger: { type: "conversation.opened", channel_ids: i.channel_ids as string[] },
      steps: [{ type: "assign", team_id: text(i.team_id) }],
    }),
  },
  {
    key: "out-of-hours",
    category: "replies",
    name: { en: "Out-of-hours reply", es: "Respuesta fuera de horario" },
    description: {
      en: "When a customer writes while business hours are closed, reply once a day that you will answer when you open.",
      es: "Cuando un cliente escribe fuera del horario de atención, responde una vez al día que contestaréis al abrir.",
    },
    inputs: [
      message(
        "message",
        "Thanks for writing! We are closed right now and will answer as soon as we open.",
        "¡Gracias por escribir! Ahora estamos cerrados y responderemos en cuanto abramos.",
      ),
    ],
    build: (i) => ({
      trigger: { type: "message.received", match: "word" },
      conditions: one({ type: "business_hours", state: "closed" }),
      frequency: { type: "once_per_day" },
      steps: [{ type: "send_message", text: text(i.message) }],
    }),
  },
  {
    key: "all-agents-busy",
    category: "replies",
    name: { en: "All agents busy", es: "Todos los agentes ocupados" },
    description: {
      en: "When a conversation opens and no agent online has room, tell the customer they will be answered shortly.",
      es: "Cuando se abre una conversación y ningún agente conectado tiene hueco, avisa al cliente de que le atenderán enseguida.",
    },
    inputs: [
      message(
        "message",
        "All our agents are busy right now. We will be with you as soon as possible.",
        "Todos nuestros agentes están ocupados. Te atenderemos lo antes posible.",
      ),
    ],
    build: (i) => ({
      trigger: { type: "conversation.opened" },
      conditions: one({ type: "agents_available", available: false }),
      steps: [{ type: "send_message", text: text(i.message) }],
    }),
  },
  {
    key: "welcome-menu",
    category: "routing",
    name: { en: "Welcome menu", es: "Menú de bienvenida" },
    description: {
      en: "Greets new conversations with a choice and hands each answer to its team.",
      es: "Saluda a las conversaciones nuevas con un menú y pasa cada respuesta a su equipo.",
    },
    inputs: [
      message("question", "Hi! How can we help?", "¡Hola! ¿En qué podemos ayudarte?"),
      {
        key: "choice_1",
        kind: "choice",
        required: true,
        label: { en: "Option 1", es: "Opción 1" },
        default: { en: "Sales", es: "Ventas" },
      },
      { ...TEAM, key: "team_1", label: { en: "Team for option 1", es: "Equipo de la opción 1" } },
      {
        key: "choice_2",
        kind: "choice",
        required: true,
        label: { en: "Option 2", es: "Opción 2" },
        default: { en: "Support", es: "Soporte" },
      },
      { ...TEAM, key: "team_2", label: { en: "Team for option 2", es: "Equipo de la opción 2" } },
    ],
    build: (i) => ({
      trigger: { type: "conversation.opened" },
      steps: [
        {
          type: "ask",
          question: text(i.question),
          answer_type: "choice",
          choices: [text(i.choice_1), text(i.choice_2)],
          on_answer: [
            {
              type: "branch",
              branches: [1, 2].map((n) => ({
                name: text(i[`choice_${n}`]),
                conditions: one({
                  type: "variable",
                  name: "last_answer",
                  operator: "eq",
                  value: text(i[`choice_${n}`]),
                }),
                steps: [{ type: "assign", team_id: text(i[`team_${n}`]) }],
              })),
            },
          ],
        },
      ],
    }),
  },
  {
    key: "csat-after-close",
    category: "surveys",
    name: { en: "Satisfaction survey after closing", es: "Encuesta de satisfacción al cerrar" },
    description: {
      en: "When a conversation is closed, ask for a score from 1 to 5, save it to a contact field and say thank you.",
      es: "Al cerrar una conversación, pide una nota del 1 al 5, guárdala en un campo del contacto y da las gracias.",
    },
    inputs: [
      message(
        "question",
        "How did we do? Answer from 1 (bad) to 5 (great).",
        "¿Qué tal te atendimos? Responde del 1 (mal) al 5 (genial).",
      ),
      {
        key: "field",
        kind: "field",
        required: true,
        label: { en: "Save the score to", es: "Guardar la nota en" },
        default: same("csat"),
      },
      message("thanks", "Thank you for your answer!", "¡Gracias por tu respuesta!"),
    ],
    build: (i) => ({
      trigger: { type: "conversation.closed" },
      steps: [
        {
          type: "ask",
          question: text(i.question),
          answer_type: "choice",
          choices: ["1", "2", "3", "4", "5"],
          save_to_field: text(i.field),
          on_answer: [{ type: "send_message", text: text(i.thanks) }],
        },
      ],
    }),
  },
  {
    key: "close-return-to-bot",
    category: "routing",
    name: { en: "Back to the bot after closing", es: "Volver al bot al cerrar" },
    description: {
      en: "When a conversation is closed, remove the tag that kept the contact with a person, so the bot answers next time.",
      es: "Al cerrar una conversación, quita la etiqueta que lo dejaba con una persona, para que el bot responda la próxima vez.",
    },
    inputs: [
      {
        key: "tag",
        kind: "tag",
        required: true,
        label: { en: "Tag to remove", es: "Etiqueta que quitar" },
        default: same("human"),
      },
    ],
    build: (i) => ({
      trigger: { type: "conversation.closed" },
      steps: [{ type: "remove_tag", tag: text(i.tag) }],
    }),
  },
  {
    key: "broadcast-reply-follow-up",
    category: "follow_up",
    name: { en: "Follow up broadcast replies", es: "Seguimiento de respuestas a difusiones" },
    description: {
      en: "When a contact answers a broadcast, assign the conversation to a team with a note for the agent.",
      es: "Cuando un contacto responde a una difusión, asigna la conversación a un equipo con una nota para el agente.",
    },
    inputs: [
      TEAM,
      {
        ...message(
          "note",
          "Replied to a broadcast: follow up.",
          "Respondió a una difusión: haz seguimiento.",
        ),
        label: { en: "Note", es: "Nota" },
      },
    ],
    build: (i) => ({
      trigger: { type: "broadcast.replied" },
      steps: [
        { type: "assign", team_id: text(i.team_id) },
        { type: "add_note", text: text(i.note) },
      ],
    }),
  },
  {
    key: "inactivity-close",
    category: "follow_up",
    name: {
      en: "Nudge, then close inactive conversations",
      es: "Recordar y cerrar conversaciones inactivas",
    },
    description: {
      en: "After each customer message, wait; if they wrote nothing more, nudge them, wait again and close.",
      es: "Tras cada mensaje del cliente, espera; si no escribió más, recuérdaselo, espera otra vez y cierra.",
    },
    inputs: [
      {
        key: "hours",
        kind: "count",
        required: true,
        min: 1,
        max: 720,
        label: { en: "Hours before the nudge", es: "Horas antes del recordatorio" },
        default: same(24),
      },
      message(
        "nudge",
        "Are you still there? Reply to keep the conversation open.",
        "¿Sigues ahí? Responde para mantener abierta la conversación.",
      ),
      {
        key: "close_after_hours",
        kind: "count",
        required: true,
        min: 1,
        max: 720,
        label: { en: "Hours before closing", es: "Horas antes de cerrar" },
        default: same(24),
      },
    ],
    build: (i) => {
      const silent = one({ type: "customer_replied", replied: false });
      return {
        trigger: { type: "message.received", match: "word" },
        steps: [
          { type: "wait", minutes: Number(i.hours) * 60 },
          {
            type: "branch",
            branches: [
              {
                conditions: silent,
                steps: [
                  { type: "send_message", text: text(i.nudge) },
                  { type: "wait", minutes: Number(i.close_after_hours) * 60 },
                  {
                    type: "branch",
                    branches: [{ conditions: silent, steps: [{ type: "close_conversation" }] }],
                  },
                ],
              },
            ],
          },
        ],
      };
    },
  },
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

export const templateByKey = (key: string) => TEMPLATES.find((t) => t.key === key);
