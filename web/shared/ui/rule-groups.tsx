import { Plus, Trash2 } from "lucide-preact";
import type { ComponentChildren } from "preact";
import { Button, IconButton } from "./button";
import { Field, Select } from "./field";
import { t } from "./i18n";

type Match = "all" | "any";
export type RuleGroup<R> = { match?: Match; rules: R[] };
export type RuleGroupsValue<R> = { match?: Match; groups: RuleGroup<R>[] };

const replaced = <T,>(list: T[], at: number, item: T) => list.map((x, i) => (i === at ? item : x));
const removed = <T,>(list: T[], at: number) => list.filter((_, i) => i !== at);

const matchOptions = () => [
  { value: "all", label: t("common.rules.all") },
  { value: "any", label: t("common.rules.any") },
];

type Props<R> = {
  value: RuleGroupsValue<R>;
  onChange: (value: RuleGroupsValue<R>) => void;
  /** the rule "Add rule" appends */
  newRule: () => R;
  /** where the API puts these groups' errors ("conditions", "rules") */
  path: string;
  /** one rule's own inputs; `path` is where the API puts its errors */
  renderRule: (rule: R, onChange: (rule: R) => void, path: string) => ComponentChildren;
};

/** Groups of rules: each group needs all or any of its rules, and the groups join the same way. */
export function RuleGroups<R>({ value, onChange, newRule, path, renderRule }: Props<R>) {
  const setGroup = (at: number, group: RuleGroup<R>) =>
    onChange({ ...value, groups: replaced(value.groups, at, group) });
  return (
    <div class="rule-groups">
      {value.groups.length > 1 && (
        <Field label={t("common.rules.groupsJoin")}>
          <Select
            value={value.match ?? "all"}
            options={matchOptions()}
            onChange={(e) => onChange({ ...value, match: e.currentTarget.value as Match })}
          />
        </Field>
      )}
      {value.groups.map((group, g) => (
        <div key={g} class="condition-group-wrap">
          {g > 0 && (
            <span class="joiner">
              {value.match === "any" ? t("common.rules.or") : t("common.rules.and")}
            </span>
          )}
          <fieldset class="condition-group">
            <legend>{t("common.rules.group", { number: g + 1 })}</legend>
            <div class="group-head">
              <Select
                aria-label={t("common.rules.groupMatch", { number: g + 1 })}
                value={group.match ?? "all"}
                options={matchOptions()}
                onChange={(e) => setGroup(g, { ...group, match: e.currentTarget.value as Match })}
              />
              <IconButton
                size="sm"
                label={t("common.rules.removeGroup", { number: g + 1 })}
                icon={<Trash2 size={15} />}
                onClick={() => onChange({ ...value, groups: removed(value.groups, g) })}
              />
            </div>
            {group.rules.map((rule, r) => (
              <div class="rule" key={r}>
                {renderRule(
                  rule,
                  (next) => setGroup(g, { ...group, rules: replaced(group.rules, r, next) }),
                  `${path}.groups.${g}.rules.${r}`,
                )}
                {group.rules.length > 1 && (
                  <IconButton
                    class="rule-remove"
                    size="sm"
                    label={t("common.rules.removeRule")}
                    icon={<Trash2 size={15} />}
                    onClick={() => setGroup(g, { ...group, rules: removed(group.rules, r) })}
                  />
                )}
              </div>
            ))}
            <Button
              size="sm"
              variant="ghost"
              icon={<Plus size={14} />}
              onClick={() => setGroup(g, { ...group, rules: [...group.rules, newRule()] })}
            >
              {t("common.rules.addRule")}
            </Button>
          </fieldset>
        </div>
      ))}
      <div>
        <Button
          size="sm"
          icon={<Plus size={14} />}
          onClick={() =>
            onChange({ ...value, groups: [...value.groups, { match: "all", rules: [newRule()] }] })
          }
        >
          {t("common.rules.addGroup")}
        </Button>
      </div>
    </div>
  );
}
