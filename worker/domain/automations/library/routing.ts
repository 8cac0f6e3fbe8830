import { type AutomationTemplate, message, one, same, TEAM, text } from "./kit";

export const ROUTING: AutomationTemplate[] = [
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
];
