/**
 * The one variable engine for snippets, templates, broadcasts and automations:
 * `{{contact.first_name}}`, `{{contact.fields.balance}}`, `{{agent.name}}`, `{{workspace.name}}`,
 * `{{conversation.number}}`,
 * with a default after a bar (`{{contact.first_name|there}}`), the `%name%` placeholders of older
 * systems as aliases, and `\{{` for literal braces. Nothing unknown is ever sent as raw braces.
 */

export type VariableContext = {
  contact?: {
    name?: string | null;
    phone?: string | null;
    email?: string | null;
    fields?: Record<string, string | number | boolean | null>;
  } | null;
  agent?: { name?: string | null; email?: string | null } | null;
  workspace?: { name?: string | null } | null;
  conversation?: { number?: number | null } | null;
};

const CONTACT_KEYS = ["name", "first_name", "last_name", "phone", "email"] as const;
const AGENT_KEYS = ["name", "first_name", "email"] as const;
const WORKSPACE_KEYS = ["name"] as const;
const CONVERSATION_KEYS = ["number"] as const;

/**
 * Older systems' placeholders and the variable each stands for. A Map, so a placeholder such as
 * `%constructor%` or `%__proto__%` finds nothing rather than what every object inherits.
 */
export const LEGACY_ALIASES: ReadonlyMap<string, string> = new Map([
  ["name", "contact.name"],
  ["nombre", "contact.name"],
  ["first_name", "contact.first_name"],
  ["firstname", "contact.first_name"],
  ["last_name", "contact.last_name"],
  ["lastname", "contact.last_name"],
  ["apellido", "contact.last_name"],
  ["phone", "contact.phone"],
  ["telefono", "contact.phone"],
  ["mobile", "contact.phone"],
  ["celular", "contact.phone"],
  ["email", "contact.email"],
  ["correo", "contact.email"],
  ["agent", "agent.name"],
  ["agente", "agent.name"],
  ["company", "workspace.name"],
  ["empresa", "workspace.name"],
]);

/** A record's own value under `key`: never one inherited from Object.prototype. */
const own = <T>(record: Record<string, T> | null | undefined, key: string): T | undefined =>
  record && Object.hasOwn(record, key) ? record[key] : undefined;

const TOKEN = /\\\{\{|\{\{\s*([^{}|]+?)\s*(?:\|([^{}]*))?\}\}|%([a-z_]+)%/gi;

type Token = { literal: string } | { path: string; fallback: string | undefined; raw: string };

function* tokens(text: string): Generator<Token> {
  let last = 0;
  for (const match of text.matchAll(TOKEN)) {
    const index = match.index ?? 0;
    if (index > last) yield { literal: text.slice(last, index) };
    last = index + match[0].length;
    if (match[0] === "\\{{") {
      yield { literal: "{{" };
      continue;
    }
    const legacy = match[3]?.toLowerCase();
    if (legacy !== undefined) {
      const alias = LEGACY_ALIASES.get(legacy);
      yield alias ? { path: alias, fallback: undefined, raw: match[0] } : { literal: match[0] };
      continue;
    }
    yield { path: (match[1] ?? "").trim(), fallback: match[2]?.trim(), raw: match[0] };
  }
  if (last < text.length) yield { literal: text.slice(last) };
}

const firstName = (name: string | null | undefined) => name?.trim().split(/\s+/)[0] ?? null;
const lastName = (name: string | null | undefined) => {
  const parts = name?.trim().split(/\s+/) ?? [];
  return parts.length > 1 ? parts.slice(1).join(" ") : null;
};

function lookup(path: string, context: VariableContext): string | null {
  const [scope, key, sub] = path.split(".");
  if (scope === "contact") {
    const contact = context.contact;
    if (key === "fields" && sub) {
      const value = own(contact?.fields, sub);
      return value === undefined || value === null ? null : String(value);
    }
    if (key === "first_name") return firstName(contact?.name);
    if (key === "last_name") return lastName(contact?.name);
    if (key === "name" || key === "phone" || key === "email") return contact?.[key] ?? null;
  }
  if (scope === "agent") {
    if (key === "first_name") return firstName(context.agent?.name);
    if (key === "name" || key === "email") return context.agent?.[key] ?? null;
  }
  if (scope === "workspace" && key === "name") return context.workspace?.name ?? null;
  if (scope === "conversation" && key === "number") {
    const number = context.conversation?.number;
    return number === undefined || number === null ? null : String(number);
  }
  return null;
}

/** Is this a variable the engine knows, given the workspace's custom contact fields? */
export function isKnownVariable(path: string, fieldKeys: string[]) {
  const [scope, key, sub, ...rest] = path.split(".");
  if (rest.length) return false;
  if (scope === "contact" && key === "fields") return sub !== undefined && fieldKeys.includes(sub);
  if (sub !== undefined) return false;
  if (scope === "contact") return (CONTACT_KEYS as readonly string[]).includes(key ?? "");
  if (scope === "agent") return (AGENT_KEYS as readonly string[]).includes(key ?? "");
  if (scope === "workspace") return (WORKSPACE_KEYS as readonly string[]).includes(key ?? "");
  if (scope === "conversation") return (CONVERSATION_KEYS as readonly string[]).includes(key ?? "");
  return false;
}

/** The variables in `text` the engine does not know, as written: reported when a text is saved. */
export function unknownVariables(text: string, fieldKeys: string[]): string[] {
  const unknown = new Set<string>();
  for (const token of tokens(text)) {
    if ("path" in token && !isKnownVariable(token.path, fieldKeys)) unknown.add(token.raw);
  }
  return [...unknown];
}

/**
 * Fills the variables. A missing value takes its default, else becomes empty (and is listed in
 * `missing`); values are inserted as plain text, never re-read as variables. `encode` encodes
 * values for where they land (HTML), leaving the text's own defaults as written.
 */
export function renderVariables(
  text: string,
  context: VariableContext,
  encode: (value: string) => string = (value) => value,
) {
  const missing: string[] = [];
  let out = "";
  for (const token of tokens(text)) {
    if ("literal" in token) {
      out += token.literal;
      continue;
    }
    const value = lookup(token.path, context);
    if (value !== null && value !== "") out += encode(value);
    else if (token.fallback !== undefined) out += token.fallback;
    else missing.push(token.path);
  }
  return { text: out, missing };
}
