import { FOLLOW_UP } from "./follow-up";
import { KEYWORDS } from "./keywords";
import type { AutomationTemplate } from "./kit";
import { REPLIES } from "./replies";
import { ROUTING } from "./routing";
import { SURVEYS } from "./surveys";

export type { AutomationTemplate, InputKind, Inputs, LibraryLanguage, TemplateInput } from "./kit";

/** The library, category by category as the screen shows it. */
export const TEMPLATES: AutomationTemplate[] = [
  ...ROUTING,
  ...REPLIES,
  ...SURVEYS,
  ...FOLLOW_UP,
  ...KEYWORDS,
];

export const templateByKey = (key: string) => TEMPLATES.find((t) => t.key === key);
