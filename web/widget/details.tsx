import { useState } from "preact/hooks";
import { ApiError } from "../shared/api";
import { type Ask, awayText, type ChannelConfig, type Field } from "./channel";
import type { Speaker } from "./i18n";
import { MoonIcon } from "./icons";
import type { Remembered } from "./session";

export type FieldProblem = { path: string; message: string };
export type Values = Record<Field, string>;
type Errors = Partial<Record<Field, string>>;
/** Sends what the visitor filled in; the field problems the server found come back. */
type Tell = (values: Partial<Values>) => Promise<FieldProblem[]>;

export const fieldProblems = (e: unknown) =>
  (e instanceof ApiError && (e.problem as { errors?: FieldProblem[] }).errors) || [];

const inputType = (field: Field) =>
  (field === "email" ? "email" : field === "phone" ? "tel" : "text") as "text";

/** What is missing or malformed, checked before anything is sent. */
function problemsOf(fields: [Field, Ask][], values: Values, s: Speaker) {
  const found: Errors = {};
  for (const [field, ask] of fields) {
    const value = values[field].trim();
    if (!value && ask === "required") found[field] = s.t("required");
    else if (field === "email" && value && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value))
      found[field] = s.t("invalid_email");
  }
  return found;
}

const filledIn = (fields: [Field, Ask][], values: Values): Partial<Values> =>
  Object.fromEntries(fields.map(([f]) => [f, values[f].trim()]).filter(([, v]) => v));

/** Name / email / phone as the channel asks for them; field errors shown next to each field. */
function DetailsForm(props: {
  s: Speaker;
  fields: [Field, Ask][];
  intro: string;
  submit: string;
  onSubmit: Tell;
}) {
  const { s } = props;
  const [values, setValues] = useState<Values>({ name: "", email: "", phone: "" });
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const found = problemsOf(props.fields, values, s);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    const problems = await props.onSubmit(filledIn(props.fields, values));
    setBusy(false);
    setErrors(Object.fromEntries(problems.map((p) => [p.path, p.message])));
  };
  return (
    <form class="details" onSubmit={submit} noValidate>
      <p>{props.intro}</p>
      {props.fields.map(([field, ask]) => (
        <label key={field}>
          <span>
            {s.t(field)}
            {ask === "optional" && <small> ({s.t("optional")})</small>}
          </span>
          <input
            type={inputType(field)}
            autocomplete={field === "phone" ? "tel" : field}
            value={values[field]}
            aria-invalid={errors[field] ? "true" : undefined}
            aria-describedby={errors[field] ? `err-${field}` : undefined}
            onInput={(e) => setValues({ ...values, [field]: e.currentTarget.value })}
          />
          {errors[field] && (
            <span class="field-err" id={`err-${field}`}>
              {errors[field]}
            </span>
          )}
        </label>
      ))}
      <button type="submit" class="primary" disabled={busy}>
        {props.submit}
      </button>
    </form>
  );
}

/** Nobody can answer now: why, and an email to reply to later. */
export function AwayCard(props: {
  config: ChannelConfig;
  s: Speaker;
  told: Remembered;
  onTell: Tell;
}) {
  const { s, told } = props;
  return (
    <section class="card away-card" aria-label={s.t("away")}>
      <p class="away-text">
        <MoonIcon /> {awayText(props.config, s)}
      </p>
      {told.email ? (
        <p class="saved">{s.t("email_saved", { email: told.email })}</p>
      ) : (
        <DetailsForm
          s={s}
          fields={[["email", "required"]]}
          intro={s.t("leave_email")}
          submit={s.t("notify_me")}
          onSubmit={props.onTell}
        />
      )}
    </section>
  );
}

/** The channel's questions before the first message. */
export function PrechatCard(props: { s: Speaker; fields: [Field, Ask][]; onTell: Tell }) {
  const { s } = props;
  return (
    <section class="card" aria-label={s.t("prechat_intro")}>
      <DetailsForm
        s={s}
        fields={props.fields}
        intro={s.t("prechat_intro")}
        submit={s.t("start")}
        onSubmit={props.onTell}
      />
    </section>
  );
}
