import type { FieldErrors } from "../../shared/ui";
import type { References, Step } from "./api";

/** What every step's form gets. */
export type StepFormProps<S extends Step = Step> = {
  step: S;
  onChange: (step: Step) => void;
  /** where the API puts this step's errors ("steps.2") */
  path: string;
  errors: FieldErrors;
  refs: References;
  variables: string[];
  automationId: string | null;
};

/** A whole, non-negative number from what was typed. */
export const int = (value: string) => Math.max(0, Math.floor(Number(value) || 0));
