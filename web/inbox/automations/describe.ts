import { t } from "../../shared/ui";
import type { References, Step, Trigger } from "./api";

const quoted = (words: string[]) => words.map((w) => `“${w}”`).join(", ");

/** The trigger in a sentence: "When a message contains “precio”". */
export function triggerSummary(trigger: Trigger, refs?: Pick<References, "fields">): string {
  switch (trigger.type) {
    case "message.received":
      if (!trigger.keywords?.length) return t("automations.when.message");
      if (trigger.match === "exact")
        return t("automations.when.messageIs", { words: quoted(trigger.keywords) });
      if (trigger.match === "starts_with")
        return t("automations.when.messageStarts", { words: quoted(trigger.keywords) });
      return t("automations.when.messageContains", { words: quoted(trigger.keywords) });
    case "contact.tag_added":
      return t("automations.when.tagAdded", { tag: trigger.tag });
    case "contact.tag_removed":
      return t("automations.when.tagRemoved", { tag: trigger.tag });
    case "contact.field_changed": {
      const field = refs?.fields.find((f) => f.key === trigger.field);
      return t("automations.when.fieldChanged", { field: field?.label ?? trigger.field });
    }
    case "schedule":
      return t("automations.when.schedule", { cron: trigger.cron });
    default:
      return t(`automations.when.${trigger.type}`);
  }
}

/** A step's name in the editor and the run log ("Send a message"). */
export const stepTitle = (type: string) => t(`automations.step.${type}`);

/** One line saying what a step does, for a collapsed card and the run log. */
export function stepSummary(step: Step, refs: References): string {
  switch (step.type) {
    case "send_message": {
      if (step.snippet_id) {
        const snippet = refs.snippets.find((s) => s.id === step.snippet_id);
        return t("automations.summary.snippet", { name: snippet?.title ?? "?" });
      }
      if (step.template) return t("automations.summary.template", { name: step.template.name });
      return step.text ?? "";
    }
    case "add_tag":
    case "remove_tag":
      return step.tag;
    case "assign": {
      const who = [
        refs.members.find((m) => m.id === step.user_id)?.name,
        refs.teams.find((x) => x.id === step.team_id)?.name,
      ].filter(Boolean);
      return who.join(" · ");
    }
    case "wait":
      return step.minutes
        ? t("automations.summary.minutes", { count: step.minutes })
        : (step.until?.time ?? "");
    case "http_request":
      return `${step.method ?? "POST"} ${step.url}`;
    case "ai": {
      if (!step.task) return "";
      const detail = step.task === "classify" ? step.categories : step.fields;
      const task = t(`automations.ai.task.${step.task}`);
      return detail?.length ? `${task}: ${detail.join(", ")}` : task;
    }
    default:
      return "";
  }
}
