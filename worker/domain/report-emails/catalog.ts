import type { UiLanguage } from "../../schemas/languages";

/** The summary e-mail's words, in each language the apps speak. */
export type Words = {
  weekly: string;
  daily: string;
  metric: string;
  thisPeriod: string;
  previousPeriod: string;
  conversationsOpened: string;
  conversationsClosed: string;
  messagesIn: string;
  messagesOut: string;
  firstResponseMedian: string;
  resolutionMedian: string;
  topAgents: string;
  agent: string;
  replies: string;
  closed: string;
  noAgents: string;
  satisfaction: string;
  responses: string;
  /** `{workspace}` is replaced by the workspace's name */
  footer: string;
};

export const CATALOG: Record<UiLanguage, Words> = {
  en: {
    weekly: "Conversa weekly summary",
    daily: "Conversa daily summary",
    metric: "Metric",
    thisPeriod: "This period",
    previousPeriod: "Previous period",
    conversationsOpened: "Conversations opened",
    conversationsClosed: "Conversations closed",
    messagesIn: "Messages in",
    messagesOut: "Messages out",
    firstResponseMedian: "First response (median)",
    resolutionMedian: "Resolution (median)",
    topAgents: "Top agents",
    agent: "Agent",
    replies: "Replies",
    closed: "Closed",
    noAgents: "No agent replied in this period.",
    satisfaction: "Customer satisfaction",
    responses: "Responses",
    footer:
      "An admin of {workspace} chose you to receive this summary. More in Conversa's Reports.",
  },
  es: {
    weekly: "Resumen semanal de Conversa",
    daily: "Resumen diario de Conversa",
    metric: "Métrica",
    thisPeriod: "Este periodo",
    previousPeriod: "Periodo anterior",
    conversationsOpened: "Conversaciones abiertas",
    conversationsClosed: "Conversaciones cerradas",
    messagesIn: "Mensajes recibidos",
    messagesOut: "Mensajes enviados",
    firstResponseMedian: "Primera respuesta (mediana)",
    resolutionMedian: "Resolución (mediana)",
    topAgents: "Agentes destacados",
    agent: "Agente",
    replies: "Respuestas",
    closed: "Cerradas",
    noAgents: "Ningún agente respondió en este periodo.",
    satisfaction: "Satisfacción del cliente",
    responses: "Respuestas",
    footer:
      "Un administrador de {workspace} te eligió para recibir este resumen. Más en los Informes de Conversa.",
  },
  "pt-BR": {
    weekly: "Resumo semanal do Conversa",
    daily: "Resumo diário do Conversa",
    metric: "Métrica",
    thisPeriod: "Este período",
    previousPeriod: "Período anterior",
    conversationsOpened: "Conversas abertas",
    conversationsClosed: "Conversas encerradas",
    messagesIn: "Mensagens recebidas",
    messagesOut: "Mensagens enviadas",
    firstResponseMedian: "Primeira resposta (mediana)",
    resolutionMedian: "Resolução (mediana)",
    topAgents: "Principais agentes",
    agent: "Agente",
    replies: "Respostas",
    closed: "Encerradas",
    noAgents: "Nenhum agente respondeu neste período.",
    satisfaction: "Satisfação do cliente",
    responses: "Respostas",
    footer:
      "Um administrador de {workspace} escolheu você para receber este resumo. Mais nos Relatórios do Conversa.",
  },
  fr: {
    weekly: "Résumé hebdomadaire Conversa",
    daily: "Résumé quotidien Conversa",
    metric: "Indicateur",
    thisPeriod: "Cette période",
    previousPeriod: "Période précédente",
    conversationsOpened: "Conversations ouvertes",
    conversationsClosed: "Conversations fermées",
    messagesIn: "Messages reçus",
    messagesOut: "Messages envoyés",
    firstResponseMedian: "Première réponse (médiane)",
    resolutionMedian: "Résolution (médiane)",
    topAgents: "Meilleurs agents",
    agent: "Agent",
    replies: "Réponses",
    closed: "Fermées",
    noAgents: "Aucun agent n'a répondu pendant cette période.",
    satisfaction: "Satisfaction client",
    responses: "Réponses",
    footer:
      "Un administrateur de {workspace} vous a choisi pour recevoir ce résumé. Plus de détails dans les Rapports de Conversa.",
  },
  ar: {
    weekly: "ملخص Conversa الأسبوعي",
    daily: "ملخص Conversa اليومي",
    metric: "المقياس",
    thisPeriod: "هذه الفترة",
    previousPeriod: "الفترة السابقة",
    conversationsOpened: "المحادثات المفتوحة",
    conversationsClosed: "المحادثات المغلقة",
    messagesIn: "الرسائل الواردة",
    messagesOut: "الرسائل الصادرة",
    firstResponseMedian: "الرد الأول (الوسيط)",
    resolutionMedian: "الحل (الوسيط)",
    topAgents: "أفضل الوكلاء",
    agent: "الوكيل",
    replies: "الردود",
    closed: "المغلقة",
    noAgents: "لم يرد أي وكيل في هذه الفترة.",
    satisfaction: "رضا العملاء",
    responses: "الإجابات",
    footer: "اختارك أحد مسؤولي {workspace} لتلقي هذا الملخص. المزيد في تقارير Conversa.",
  },
  tr: {
    weekly: "Conversa haftalık özeti",
    daily: "Conversa günlük özeti",
    metric: "Ölçüt",
    thisPeriod: "Bu dönem",
    previousPeriod: "Önceki dönem",
    conversationsOpened: "Açılan görüşmeler",
    conversationsClosed: "Kapanan görüşmeler",
    messagesIn: "Gelen mesajlar",
    messagesOut: "Giden mesajlar",
    firstResponseMedian: "İlk yanıt (medyan)",
    resolutionMedian: "Çözüm (medyan)",
    topAgents: "En iyi temsilciler",
    agent: "Temsilci",
    replies: "Yanıtlar",
    closed: "Kapanan",
    noAgents: "Bu dönemde hiçbir temsilci yanıt vermedi.",
    satisfaction: "Müşteri memnuniyeti",
    responses: "Yanıtlar",
    footer:
      "{workspace} yöneticilerinden biri bu özeti almanız için sizi seçti. Ayrıntılar Conversa Raporlar'da.",
  },
};
