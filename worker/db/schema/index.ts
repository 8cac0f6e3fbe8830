/** The drizzle schema, one file per capability: the single source of table shapes. */
export * from "./ai";
export * from "./automations";
export * from "./broadcasts";
export * from "./channels";
export * from "./contacts";
export * from "./csat";
export * from "./exports";
export * from "./knowledge";
export * from "./messaging";
export * from "./report-emails";
export * from "./reports";
export * from "./routing";
export * from "./scheduled-messages";
export * from "./templates";
export * from "./web-push";
export * from "./webhooks";
export * from "./workspace";
