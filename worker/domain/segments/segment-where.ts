import { and, inArray, not, or, type SQL, sql } from "drizzle-orm";
import {
  type ChannelType,
  type ConsentChannel,
  channels,
  contactIdentities,
  contacts,
  contactTags,
  conversations,
} from "../../db/schema";
import { inWorkspace } from "../../db/scope";
import type { FieldError } from "../../lib/errors";
import type { SegmentRule, SegmentRulesValue } from "../../schemas/segments";
import { type FieldDefinition, fieldCondition, isIsoDate, storedField } from "../contacts/fields";

const DAY = 86_400_000;

/** What rules are checked and compiled against: the workspace's fields and channels, and now. */
export type SegmentContext = {
  fields: FieldDefinition[];
  channels: { id: string; type: ChannelType }[];
  now: number;
};

type Compiled = SQL | { problem: string; at: string };

const refuse = (problem: string, at = "value"): Compiled => ({ problem, at });
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function taggedWith(workspaceId: string, tags: string[], all: boolean) {
  const unique = [...new Set(tags.map((t) => t.toLowerCase()))];
  const rows = sql`select ${contactTags.contactId} from ${contactTags} where ${inWorkspace(
    contactTags,
    workspaceId,
    inArray(contactTags.tag, unique),
  )}`;
  const grouped = all
    ? sql`${rows} group by ${contactTags.contactId} having count(*) = ${unique.length}`
    : rows;
  return sql`${contacts.id} in (${grouped})`;
}

function tagRule(workspaceId: string, rule: Extract<SegmentRule, { type: "tag" }>): SQL {
  switch (rule.operator) {
    case "has_any":
      return taggedWith(workspaceId, rule.tags, false);
    case "has_all":
      return taggedWith(workspaceId, rule.tags, true);
    case "lacks_any":
      return not(taggedWith(workspaceId, rule.tags, true));
    case "lacks_all":
      return not(taggedWith(workspaceId, rule.tags, false));
  }
}

/** The operators each type of field takes, and the value each wants. */
const FIELD_OPERATORS: Record<FieldDefinition["type"], string[]> = {
  text: ["eq", "ne", "contains", "set", "unset"],
  number: ["eq", "ne", "gt", "gte", "lt", "lte", "set", "unset"],
  date: ["eq", "before", "after", "within_last", "set", "unset"],
  boolean: ["eq", "set", "unset"],
  select: ["eq", "ne", "in", "set", "unset"],
};

function fieldValueProblem(field: FieldDefinition, operator: string, value: unknown) {
  if (operator === "in")
    return Array.isArray(value) && value.every((v) => field.options.includes(v))
      ? null
      : `a list of: ${field.options.join(", ")}`;
  if (operator === "within_last")
    return Number.isInteger(value) && (value as number) >= 1 && (value as number) <= 3650
      ? null
      : "a number of days (1 to 3650)";
  switch (field.type) {
    case "text":
      return typeof value === "string" ? null : "must be text";
    case "number":
      return typeof value === "number" && Number.isFinite(value) ? null : "must be a number";
    case "boolean":
      return typeof value === "boolean" ? null : "must be true or false";
    case "date":
      return typeof value === "string" && isIsoDate(value) ? null : "must be a date (YYYY-MM-DD)";
    case "select":
      return typeof value === "string" && field.options.includes(value)
        ? null
        : `must be one of: ${field.options.join(", ")}`;
  }
}

function fieldRule(rule: Extract<SegmentRule, { type: "field" }>, context: SegmentContext) {
  const field = context.fields.find((f) => f.key === rule.field);
  if (!field) return refuse(`no field "${rule.field}" (see /contact-fields)`, "field");
  const { operator, value } = rule;
  if (!FIELD_OPERATORS[field.type].includes(operator))
    return refuse(
      `a ${field.type} field takes: ${FIELD_OPERATORS[field.type].join(", ")}`,
      "operator",
    );
  if (operator === "set" || operator === "unset") {
    return value === undefined
      ? fieldCondition(field, operator, "")
      : refuse(`${operator} takes no value`);
  }
  const problem = fieldValueProblem(field, operator, value);
  if (problem) return refuse(problem);
  const { stored, typed } = storedField(field);
  if (operator === "in") {
    const choices = (value as string[]).map((v) => sql`${v}`);
    return sql`(${typed} and ${stored} in (${sql.join(choices, sql`, `)}))`;
  }
  if (operator === "within_last") {
    const since = isoDay(context.now - (value as number) * DAY);
    return sql`(${typed} and ${stored} >= ${since} and ${stored} <= ${isoDay(context.now)})`;
  }
  const comparison = operator === "before" ? "lt" : operator === "after" ? "gt" : operator;
  return fieldCondition(field, comparison as "eq", value as string | number | boolean);
}

/** Identity kinds are `<channel type>:<channel id>`: a range of the key finds a type's. */
function identifiedOn(workspaceId: string, kinds: SQL) {
  return sql`${contacts.id} in (select ${contactIdentities.contactId} from ${contactIdentities} where ${inWorkspace(contactIdentities, workspaceId, kinds)})`;
}

function talkedOn(workspaceId: string, channelIds: SQL) {
  return sql`${contacts.id} in (select ${conversations.contactId} from ${conversations} where ${inWorkspace(conversations, workspaceId, sql`${conversations.channelId} in (${channelIds})`)})`;
}

function reachableOnKind(workspaceId: string, kind: ConsentChannel): SQL {
  if (kind === "whatsapp" || kind === "sms") return sql`${contacts.phone} is not null`;
  if (kind === "email") return sql`${contacts.email} is not null`;
  const ofType = sql`select ${channels.id} from ${channels} where ${inWorkspace(channels, workspaceId, sql`${channels.type} = ${kind}`)}`;
  return or(
    identifiedOn(
      workspaceId,
      sql`${contactIdentities.kind} > ${`${kind}:`} and ${contactIdentities.kind} < ${`${kind};`}`,
    ),
    talkedOn(workspaceId, ofType),
  ) as SQL;
}

function channelRule(
  workspaceId: string,
  rule: Extract<SegmentRule, { type: "channel" }>,
  context: SegmentContext,
): Compiled {
  const channel = context.channels.find((c) => c.id === rule.channel_id);
  if (!channel) return refuse("no such channel", "channel_id");
  const has = or(
    identifiedOn(workspaceId, sql`${contactIdentities.kind} = ${`${channel.type}:${channel.id}`}`),
    talkedOn(workspaceId, sql`${channel.id}`),
  ) as SQL;
  return rule.operator === "has" ? has : not(has);
}

function consentRule(rule: Extract<SegmentRule, { type: "consent" }>): SQL {
  const status = sql`json_extract(${contacts.consent}, ${`$.${rule.channel}.status`})`;
  if (rule.status === "not_opted_out") return sql`coalesce(${status}, '') <> 'opted_out'`;
  return sql`${status} = ${rule.status}`;
}

function createdRule(rule: Extract<SegmentRule, { type: "created" }>, now: number): SQL {
  if (rule.operator === "within_last")
    return sql`${contacts.createdAt} >= ${now - (rule.days ?? 0) * DAY}`;
  const dayStart = Date.parse(`${rule.date}T00:00:00Z`);
  return rule.operator === "before"
    ? sql`${contacts.createdAt} < ${dayStart}`
    : sql`${contacts.createdAt} >= ${dayStart + DAY}`;
}

/** `es` also takes `es-MX`; `pt-BR` only itself. */
function languageIn(values: string[]): SQL {
  const tags = [...new Set(values.map((v) => v.toLowerCase()))];
  const language = sql`lower(${contacts.language})`;
  return or(
    sql`${language} in (${sql.join(
      tags.map((t) => sql`${t}`),
      sql`, `,
    )})`,
    ...tags.filter((t) => !t.includes("-")).map((t) => sql`${language} like ${`${t}-%`}`),
  ) as SQL;
}

function listed(column: SQL | typeof contacts.timezone, within: SQL, operator: "in" | "not_in") {
  return operator === "in" ? within : (or(sql`${column} is null`, not(within)) as SQL);
}

function compileRule(workspaceId: string, rule: SegmentRule, context: SegmentContext): Compiled {
  switch (rule.type) {
    case "tag":
      return tagRule(workspaceId, rule);
    case "field":
      return fieldRule(rule, context);
    case "channel_kind": {
      const has = reachableOnKind(workspaceId, rule.kind);
      return rule.operator === "has" ? has : not(has);
    }
    case "channel":
      return channelRule(workspaceId, rule, context);
    case "consent":
      return consentRule(rule);
    case "last_activity": {
      const since = context.now - rule.days * DAY;
      return rule.operator === "within"
        ? sql`${contacts.sortActivity} >= ${since}`
        : sql`${contacts.sortActivity} < ${since}`;
    }
    case "created":
      return createdRule(rule, context.now);
    case "language":
      return listed(sql`${contacts.language}`, languageIn(rule.values), rule.operator);
    case "timezone":
      return listed(contacts.timezone, inArray(contacts.timezone, rule.values), rule.operator);
  }
}

const joined = (match: "all" | "any", conditions: SQL[]) =>
  (match === "all" ? and(...conditions) : or(...conditions)) as SQL;

/**
 * The rules as one parameterised condition on `contacts`, workspace included: what count,
 * sample and paged expansion all filter by. Rules the workspace cannot satisfy (an unknown
 * field, a value of the wrong type, another workspace's channel) are returned as problems
 * with their paths instead.
 */
export function segmentWhere(
  workspaceId: string,
  rules: SegmentRulesValue,
  context: SegmentContext,
): { where: SQL; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const groups = rules.groups.map((group, g) => {
    const conditions = group.rules.map((rule, r) => {
      const compiled = compileRule(workspaceId, rule, context);
      if ("problem" in compiled) {
        errors.push({
          path: `rules.groups.${g}.rules.${r}.${compiled.at}`,
          message: compiled.problem,
        });
        return sql`0`;
      }
      return compiled;
    });
    return joined(group.match, conditions);
  });
  const matching = groups.length ? joined(rules.match, groups) : undefined;
  return { where: inWorkspace(contacts, workspaceId, matching), errors };
}
