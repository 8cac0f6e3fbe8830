import { useState } from "preact/hooks";
import { ApiError } from "../api";
import { t } from "./i18n";
import { toast } from "./toast";

export type FieldErrors = Record<string, string>;

/** A validator's wording, said the way a person would ("This field is required"). */
function humane(message: string) {
  if (/received undefined|required/i.test(message)) return t("common.errors.required");
  if (/^Invalid (email|input: expected email)/i.test(message)) return t("common.errors.email");
  if (/^Invalid url|expected url/i.test(message)) return t("common.errors.url");
  const tooLong = message.match(/Too big: expected string to have <=(\d+)/);
  if (tooLong) return t("common.errors.tooLong", { max: Number(tooLong[1]) });
  const tooShort = message.match(/Too small: expected string to have >=(\d+)/);
  if (tooShort)
    return Number(tooShort[1]) <= 1
      ? t("common.errors.required")
      : t("common.errors.tooShort", { min: Number(tooShort[1]) });
  return message.replace(/^Invalid input: /, "");
}

/** The field errors of a problem+json answer, keyed by path, in plain words. */
export function fieldErrorsOf(error: unknown): FieldErrors {
  if (!(error instanceof ApiError)) return {};
  const errors: FieldErrors = {};
  for (const e of error.problem.errors ?? []) errors[e.path] ??= humane(e.message);
  return errors;
}

/** One sentence for an error that has no field to sit beside. */
export function problemMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.problem.status === 0 || error.problem.status >= 500) return t("common.errors.server");
    return error.problem.detail ?? error.problem.title;
  }
  return t("common.errors.network");
}

/**
 * A form's submit: tracks busy state, puts field errors beside their fields (`errors[path]`)
 * and everything else in a toast; `success` is toasted when it worked.
 */
export function useSubmit<A extends unknown[]>(
  action: (...args: A) => Promise<unknown>,
  { success }: { success?: string } = {},
) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const run = async (...args: A) => {
    setBusy(true);
    setErrors({});
    try {
      await action(...args);
      if (success) toast.success(success);
      return true;
    } catch (error) {
      const fields = fieldErrorsOf(error);
      setErrors(fields);
      if (Object.keys(fields).length === 0) toast.error(problemMessage(error));
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
  return { busy, errors, run, submit, setErrors };
}
