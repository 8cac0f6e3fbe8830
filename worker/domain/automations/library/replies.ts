import { type AutomationTemplate, message, one, text } from "./kit";

export const REPLIES: AutomationTemplate[] = [
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
];
