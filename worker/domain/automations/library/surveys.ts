import { type AutomationTemplate, message, same, text } from "./kit";

export const SURVEYS: AutomationTemplate[] = [
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
    key: "csat-low-score",
    category: "surveys",
    name: { en: "Follow up a low satisfaction score", es: "Seguimiento de una mala valoración" },
    description: {
      en: "When a customer scores the satisfaction survey of a channel with surveys on at or below a score, tag the contact and leave the team a note to call back.",
      es: "Cuando un cliente puntúa la encuesta de satisfacción de un canal con encuestas por debajo de una nota, etiqueta al contacto y deja una nota al equipo para llamarle.",
    },
    inputs: [
      {
        key: "max_score",
        kind: "count",
        required: true,
        label: { en: "Scores up to", es: "Notas hasta" },
        default: same(2),
        min: 0,
        max: 10,
      },
      {
        key: "tag",
        kind: "tag",
        required: true,
        label: { en: "Tag to add", es: "Etiqueta que añadir" },
        default: same("unhappy"),
      },
      message(
        "note",
        "Scored {{trigger.data.score}} in the satisfaction survey: call them back.",
        "Puntuó {{trigger.data.score}} en la encuesta de satisfacción: llámale.",
      ),
    ],
    build: (i) => ({
      trigger: { type: "csat.answered", max_score: Number(i.max_score) },
      steps: [
        { type: "add_tag", tag: text(i.tag) },
        { type: "add_note", text: text(i.note) },
      ],
    }),
  },
];
