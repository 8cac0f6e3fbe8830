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
];
