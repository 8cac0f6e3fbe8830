import { type AutomationTemplate, message, one, same, TEAM, text } from "./kit";

export const FOLLOW_UP: AutomationTemplate[] = [
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
];
