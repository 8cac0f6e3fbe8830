import { useState } from "preact/hooks";
import { request } from "../../../shared/api";
import {
  Button,
  Checkbox,
  Field,
  Select,
  Switch,
  TextInput,
  t,
  useSubmit,
} from "../../../shared/ui";
import type { Channel } from "./look";

type Survey = {
  enabled: boolean;
  scale: "csat_5" | "nps_10";
  ask_comment: boolean;
  question?: string;
};

const surveyOf = (channel: Channel): Survey => ({
  enabled: false,
  scale: "csat_5",
  ask_comment: false,
  ...((channel.config?.csat as Partial<Survey> | undefined) ?? {}),
});

/** The satisfaction survey sent after a close: on or off, its scale, a comment, its wording. */
export function SurveySettings({
  channel,
  onSaved,
}: {
  channel: Channel;
  onSaved: (channel: Channel) => void;
}) {
  const [survey, setSurvey] = useState(surveyOf(channel));
  const set = (patch: Partial<Survey>) => setSurvey({ ...survey, ...patch });
  const { busy, errors, submit } = useSubmit(
    async () => {
      const question = survey.question?.trim();
      const saved = await request<Channel>(`/api/v1/channels/${channel.id}`, {
        method: "PATCH",
        json: { config: { csat: { ...survey, question: question || undefined } } },
      });
      setSurvey(surveyOf(saved));
      onSaved(saved);
    },
    { success: t("channels.saved") },
  );
  const error = (key: string) => errors[`config.csat.${key}`];
  return (
    <form class="form" onSubmit={submit} noValidate aria-label={t("channels.tab.survey")}>
      <p class="muted">{t("channels.survey.intro")}</p>
      <Switch
        checked={survey.enabled}
        onChange={(enabled) => set({ enabled })}
        label={t("channels.survey.enabled")}
      />
      <Field label={t("channels.survey.scale")} error={error("scale")}>
        <Select
          name="scale"
          value={survey.scale}
          options={(["csat_5", "nps_10"] as const).map((scale) => ({
            value: scale,
            label: t(`channels.survey.scale.${scale}`),
          }))}
          onChange={(e) => set({ scale: e.currentTarget.value as Survey["scale"] })}
        />
      </Field>
      <Checkbox
        name="ask_comment"
        checked={survey.ask_comment}
        onChange={(ask_comment) => set({ ask_comment })}
        label={t("channels.survey.askComment")}
      />
      <Field
        label={t("channels.survey.question")}
        hint={t("channels.survey.questionHint")}
        error={error("question")}
      >
        <TextInput
          name="question"
          value={survey.question ?? ""}
          onInput={(e) => set({ question: e.currentTarget.value })}
        />
      </Field>
      <div class="form-actions">
        <Button variant="primary" type="submit" loading={busy}>
          {t("common.save")}
        </Button>
      </div>
    </form>
  );
}
