import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { MessageDto } from "../../worker/schemas/conversations";
import {
  api,
  expectProblem,
  json,
  newWebchat,
  newWorkspace,
  visitorSays,
  visitorSession,
} from "../helpers";

const NUL_TEXT = "a\u0000b";

describe("text fields and control characters", () => {
  it('refuses a contact named "\\u0000" with a 422 on name, and stores nothing', async () => {
    const ws = await newWorkspace();
    for (const name of ["\u0000", "Ana\u0000", "Ana\u001bGarcía", "Ana\u0085", "Ana\ud800"]) {
      const problem = await expectProblem(
        await api("/api/v1/contacts", { cookie: ws.ownerCookie, body: { name } }),
        422,
      );
      expect(problem.errors, JSON.stringify(name)).toEqual([
        { path: "name", message: "must be printable text on one line (no control characters)" },
      ]);
    }
    const stored = await env.DB.prepare("SELECT count(*) AS n FROM contacts WHERE workspace_id = ?")
      .bind(ws.id)
      .first<{ n: number }>();
    expect(stored?.n).toBe(0);
    const accepted = await api("/api/v1/contacts", {
      cookie: ws.ownerCookie,
      body: { name: "Zoë Müller 👩‍💻", tags: ["vip"] },
    });
    expect(accepted.status).toBe(201);
  });

  it("keeps line breaks and tabs in message bodies and notes, never in one-line fields", async () => {
    const ws = await newWorkspace();
    const oneLine: [string, Record<string, unknown>, string][] = [
      ["/api/v1/contacts", { name: "Ana\nGarcía" }, "name"],
      ["/api/v1/contacts", { name: "Ana", tags: ["v\tip"] }, "tags.0"],
      ["/api/v1/teams", { name: "Sales\r\nEast" }, "name"],
      ["/api/v1/snippets", { shortcut: "hi", title: "Hi\nthere", body: "Hello" }, "title"],
    ];
    for (const [path, body, field] of oneLine) {
      const problem = await expectProblem(await api(path, { cookie: ws.ownerCookie, body }), 422);
      expect(problem.errors?.map((e) => e.path)).toEqual([field]);
    }
    const channel = await newWebchat(ws.ownerCookie);
    const visitor = await visitorSession(channel.id);
    const { conversation_id: id } = await visitorSays(visitor.token, "first line\nsecond\tline");
    const note = await api(`/api/v1/conversations/${id}/messages`, {
      cookie: ws.ownerCookie,
      body: { text: "Checked:\n\t- invoice\n\t- refund", private: true },
    });
    expect(note.status).toBe(201);
    expect((await json<MessageDto>(note)).text).toBe("Checked:\n\t- invoice\n\t- refund");
    const snippet = await api("/api/v1/snippets", {
      cookie: ws.ownerCookie,
      body: { shortcut: "steps", title: "Steps", body: "1. Restart\n2. Retry" },
    });
    expect(snippet.status).toBe(201);
    const nul = await expectProblem(
      await api(`/api/v1/conversations/${id}/messages`, {
        cookie: ws.ownerCookie,
        body: { text: `Checked\n${NUL_TEXT}`, private: true },
      }),
      422,
    );
    expect(nul.errors?.map((e) => e.path)).toEqual(["text"]);
  });

  it("refuses a NUL in every documented text input with a 422 naming the field", async () => {
    const ws = await newWorkspace();
    // API calls are limited per person: the requests are shared among a few owners
    const owners = [ws.ownerCookie];
    for (let i = 0; i < 3; i++) owners.push(await (await ws.addMember("owner")).login());
    // the widget's routes are a visitor's: they check the token before the body
    const visitor = await visitorSession((await newWebchat(ws.ownerCookie)).id);
    const asVisitor = { headers: { authorization: `Bearer ${visitor.token}` }, origin: null };
    const doc = await json<OpenApiDocument>(await api("/api/v1/openapi.json"));
    const probes = textInputs(doc);
    expect(probes.length).toBeGreaterThan(80);
    const missed: string[] = [];
    const send = (probe: Probe, i: number) =>
      api(probe.url, {
        method: probe.method,
        ...(probe.visitor ? asVisitor : { cookie: owners[i % owners.length] }),
        ...(probe.body instanceof FormData ? { rawBody: probe.body } : { body: probe.body }),
      });
    for (const [i, probe] of probes.entries()) {
      let response = await send(probe, i);
      // past the owners' request limits, the probe waits its turn as a client would
      while (response.status === 429) {
        await new Promise((r) =>
          setTimeout(r, (Number(response.headers.get("retry-after")) || 1) * 1000),
        );
        response = await send(probe, i);
      }
      const problem = response.status === 422 ? await json<Problem>(response) : null;
      const named = problem?.errors?.some((e) => e.path === probe.field);
      if (!named) missed.push(`${probe.method} ${probe.url} ${probe.field}: ${response.status}`);
    }
    expect(missed).toEqual([]);
  });
});

type Problem = { errors?: { path: string; message: string }[] };
type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
};
type Parameter = { in: "path" | "query" | "header"; name: string; schema: Schema };
type Operation = {
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};
type OpenApiDocument = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};
type Probe = { method: string; url: string; body?: unknown; field: string; visitor: boolean };

/**
 * Fields that are not text a person reads: credentials checked by hash or signature, and
 * references to rows (ids, cursors), looked up by exact value and never stored as typed.
 */
const NOT_TEXT =
  /^(password|current_password|new_password|token|identifier_hash|cursor|id|.*_ids?)$/;

/**
 * Where a string goes, with the values (discriminators) that pick its variant of a union, and
 * the schemas it is inside of (a schema inside itself, as steps in a branch, is walked once).
 */
type Slot = { path: (string | number)[]; skeleton: Record<string, unknown>; within?: string[] };

function slots(doc: OpenApiDocument, schema: Schema, at: Slot): Slot[] {
  if (schema.$ref) {
    if (at.within?.includes(schema.$ref)) return [];
    const name = schema.$ref.split("/").pop() ?? "";
    const target = doc.components.schemas[name];
    return target ? slots(doc, target, { ...at, within: [...(at.within ?? []), schema.$ref] }) : [];
  }
  if (schema.oneOf)
    return schema.oneOf.flatMap((variant) => {
      const chosen = Object.entries(variant.properties ?? {}).filter(
        ([, p]) => p.enum?.length === 1,
      );
      const skeleton = { ...at.skeleton };
      for (const [key, property] of chosen) setAt(skeleton, [...at.path, key], property.enum?.[0]);
      return slots(doc, { ...variant, oneOf: undefined }, { ...at, skeleton });
    });
  if (schema.anyOf) return schema.anyOf.flatMap((option) => slots(doc, option, at));
  const types = [schema.type ?? []].flat();
  const last = at.path.at(-1);
  if (typeof last === "string" && NOT_TEXT.test(last)) return [];
  if (types.includes("object")) {
    // choices (a status, a role) take their first value, so the object is judged on the text alone
    const skeleton = structuredClone(at.skeleton);
    for (const [key, property] of Object.entries(schema.properties ?? {}))
      if (property.enum?.length) setAt(skeleton, [...at.path, key], property.enum[0]);
    const inside = { ...at, skeleton };
    const properties = Object.entries(schema.properties ?? {}).flatMap(([key, property]) =>
      slots(doc, property, { ...inside, path: [...at.path, key] }),
    );
    const extra =
      typeof schema.additionalProperties === "object"
        ? slots(doc, schema.additionalProperties, { ...inside, path: [...at.path, "some_key"] })
        : [];
    return [...properties, ...extra];
  }
  if (types.includes("array") && schema.items)
    return slots(doc, schema.items, { ...at, path: [...at.path, 0] });
  if (types.includes("string") && !schema.enum && !schema.format) return [at];
  return [];
}

function setAt(target: Record<string, unknown>, path: (string | number)[], value: unknown) {
  let node: Record<string | number, unknown> = target;
  path.forEach((key, i) => {
    if (i === path.length - 1) node[key] = value;
    else {
      node[key] ??= typeof path[i + 1] === "number" ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    }
  });
}

/** A request per text input of every operation: the input set to a NUL, everything else minimal. */
function textInputs(doc: OpenApiDocument): Probe[] {
  const probes: Probe[] = [];
  for (const [template, item] of Object.entries(doc.paths)) {
    if (template.startsWith("/webhooks/") || template.endsWith("/ws")) continue;
    for (const [method, operation] of Object.entries(item)) {
      const visitor = (operation.security ?? []).some((scheme) => "visitor" in scheme);
      const params = operation.parameters ?? [];
      const pathWith = (name?: string) =>
        template.replace(/\{(\w+)\}/g, (_, key: string) =>
          key === name ? encodeURIComponent(NUL_TEXT) : "x",
        );
      for (const param of params) {
        if (
          param.in === "header" ||
          slots(doc, param.schema, { path: [param.name], skeleton: {} }).length === 0
        )
          continue;
        const url =
          param.in === "path"
            ? pathWith(param.name)
            : `${pathWith()}?${param.name}=${encodeURIComponent(NUL_TEXT)}`;
        probes.push({
          method: method.toUpperCase(),
          url,
          field: `${param.in === "path" ? "param" : "query"}.${param.name}`,
          visitor,
        });
      }
      for (const [type, { schema }] of Object.entries(operation.requestBody?.content ?? {})) {
        for (const slot of slots(doc, schema, { path: [], skeleton: {} })) {
          const body = structuredClone(slot.skeleton);
          setAt(body, slot.path, NUL_TEXT);
          const field = slot.path.join(".");
          if (type === "multipart/form-data") {
            const form = new FormData();
            form.set(field, NUL_TEXT);
            probes.push({
              method: method.toUpperCase(),
              url: pathWith(),
              body: form,
              field: `form.${field}`,
              visitor,
            });
          } else {
            probes.push({ method: method.toUpperCase(), url: pathWith(), body, field, visitor });
          }
        }
      }
    }
  }
  return probes;
}
