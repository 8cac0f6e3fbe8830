import { useState } from "preact/hooks";
import { ApiError, type Problem } from "../api";
import { currentLanguage, t } from "./i18n";
import { toast } from "./toast";

export type FieldErrors = Record<string, string>;

/** A message of the API (in English) and what it is in the agent's language. */
type Wording = [pattern: RegExp, say: (match: RegExpMatchArray) => string];

const say = (message: string, known: Wording[]) => {
  for (const [pattern, words] of known) {
    const match = message.match(pattern);
    if (match) return words(match);
  }
  return null;
};

/** What validators and uniqueness checks say beside a field. */
const FIELD_WORDINGS: Wording[] = [
  [/received undefined|required/i, () => t("common.errors.required")],
  [/^Invalid (email|input: expected email)/i, () => t("common.errors.email")],
  [/^Invalid url|expected url/i, () => t("common.errors.url")],
  [
    /Too big: expected string to have <=(\d+)/,
    (m) => t("common.errors.tooLong", { max: Number(m[1]) }),
  ],
  [
    /Too small: expected string to have >=(\d+)/,
    (m) =>
      Number(m[1]) <= 1
        ? t("common.errors.required")
        : t("common.errors.tooShort", { min: Number(m[1]) }),
  ],
  [
    /Too big: expected number to be <=?(-?[\d.]+)/,
    (m) => t("common.errors.atMost", { max: Number(m[1]) }),
  ],
  [
    /Too small: expected number to be >=?(-?[\d.]+)/,
    (m) => t("common.errors.atLeast", { min: Number(m[1]) }),
  ],
  [/expected number|expected int/i, () => t("common.errors.number")],
  [/^Invalid option/i, () => t("common.errors.option")],
  [/IANA time ?zone/i, () => t("common.errors.timezone")],
  [/ISO 3166 country/i, () => t("common.errors.country")],
  [/already a member of the workspace/i, () => t("common.errors.alreadyMember")],
  [/already has a pending invitation/i, () => t("common.errors.alreadyInvited")],
  [/ (exists|is taken)\.$|^You already have a view named/, () => t("common.errors.taken")],
  [/^unknown field$/, () => t("common.errors.unknownField")],
];

/** `the workspace, team "Sales", channel "Chat"` as the agent would list them. */
function users(list = "") {
  const names = [...list.matchAll(/the workspace|(team|channel) "([^"]*)"/g)].map(
    ([, kind, name]) =>
      kind === "team"
        ? t("common.errors.usedByTeam", { name: name ?? "" })
        : kind === "channel"
          ? t("common.errors.usedByChannel", { name: name ?? "" })
          : t("common.errors.usedByWorkspace"),
  );
  return new Intl.ListFormat(currentLanguage(), { type: "conjunction" }).format(names);
}

/** Refusals of a whole request the API words in English (until problems carry a code). */
const PROBLEM_WORDINGS: Wording[] = [
  [
    /^These hours are used by (.+?); /,
    (m) => t("common.errors.hoursInUse", { names: users(m[1]) }),
  ],
  [/keeps at least one active owner/, () => t("common.errors.lastOwner")],
  [/^You have (\d+) saved views/, (m) => t("common.errors.tooManyViews", { count: Number(m[1]) })],
  [/cannot change your own role or deactivate yourself/, () => t("common.errors.notYourself")],
  [/cannot change someone above your role/, () => t("common.errors.aboveYou")],
  [
    /^You cannot (grant|manage an invitation for) the (\w+) role/,
    () => t("common.errors.aboveYou"),
  ],
  [/^This needs the (\w+) role or higher/, () => t("common.errors.needsRole")],
  [/current password is wrong/, () => t("common.errors.wrongPassword")],
];

/** The sentence for a kind of problem (its `type`, else its status) the app knows no better. */
function sentenceFor(problem: Problem) {
  const kind = problem.type?.split("/").pop();
  if (kind === "rate-limited" || problem.status === 429) return t("common.errors.tooMany");
  if (kind === "forbidden" || problem.status === 403) return t("common.errors.forbidden");
  if (kind === "not-found" || problem.status === 404) return t("common.errors.notFound");
  if (kind === "conflict" || problem.status === 409) return t("common.errors.conflict");
  if (kind === "payload-too-large" || problem.status === 413) return t("common.errors.tooLarge");
  if (problem.status === 401) return t("common.errors.signedOut");
  return t("common.errors.refused");
}

/** A validator's wording, said the way a person would ("This field is required"). */
function humane(message: string) {
  return say(message, FIELD_WORDINGS) ?? message.replace(/^Invalid input: /, "");
}

/** The field errors of a problem+json answer, keyed by path, in plain words. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: FieldErrors = {};
  for (const e of error.problem.errors ?? []) errors[e.path] ??= humane(e.message);
  return errors;
}

/**
 * One sentence for an error that has no field to sit beside, in the agent's language: a known
 * refusal word for word, else what kind of refusal it is followed by the server's own detail.
 */
export function problemMessage(error: unknown): string {
  if (!(error instanceof ApiError)) return t("common.errors.network");
  const { problem } = error;
  if (problem.status === 0 || problem.status >= 500) return t("common.errors.server");
  const detail = problem.detail ?? "";
  const known = say(detail, PROBLEM_WORDINGS);
  if (known) return known;
  const sentence = sentenceFor(problem);
  return detail ? t("common.errors.withDetail", { sentence, detail }) : sentence;
}

/**
 * A form's submit: tracks busy state, puts field errors beside their fields (`errors[path]`)
 * and everything else in `formError` — also toasted unless the form shows it `inline`
 * (a FormDialog does); `success` is toasted when it worked.
 */
export function useSubmit<A extends unknown[]>(
  action: (...args: A) => Promise<unknown>,
  { success, inline }: { success?: string; inline?: boolean } = {},
) {
  const [busy, setBusy] = useState(false);
  const [errors, setFieldErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const setErrors = (fields: FieldErrors) => {
    setFieldErrors(fields);
    setFormError(null);
  };
  const run = async (...args: A) => {
    setBusy(true);
    setErrors({});
    try {
      await action(...args);
      if (success) toast.success(success);
      return true;
    } catch (error) {
      const fields = fieldErrorsOf(error);
      setFieldErrors(fields);
      if (Object.keys(fields).length === 0) {
        setFormError(problemMessage(error));
        if (!inline) toast.error(problemMessage(error));
      }
      return false;
    } finally {
      setBusy(false);
    }
  };
  /** for <form onSubmit>: prevents the page load, then runs */
  const submit = (event: Event) => {
    event.preventDefault();
    return run(...([] as unknown as A));
  };
  return { busy, errors, formError, run, submit, setErrors };
}

/** What a form's frame needs of `useSubmit`: busy state, the errors, the submit handler. */
export type Submission = Pick<
  ReturnType<typeof useSubmit>,
  "busy" | "errors" | "formError" | "submit" | "setErrors"
>;
