import { ArrowLeft, ArrowRight, CalendarClock, Check, Save, Send } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import {
  Button,
  confirmAction,
  Field,
  formatNumber,
  PageHeader,
  SkeletonRows,
  TextInput,
  t,
  useSubmit,
} from "../../shared/ui";
import { contactTags } from "../contacts/api";
import { listSegments, type Segment } from "../contacts/segments/api";
import { useSession } from "../session";
import {
  bodyOf,
  contentChosen,
  MessageContent,
  RepeatRefused,
  repeatsOn,
  repeatsWithTest,
  withChannel,
} from "./ab-test";
import {
  actOn,
  type Channel,
  createBroadcast,
  type Draft,
  getBroadcast,
  listChannels,
  listSnippets,
  type Snippet,
  saveBroadcast,
  takePickedContacts,
} from "./api";
import { AudienceStep, audienceChosen, useAudiencePreview } from "./audience";
import { CsvUpload, csvPreview, useCsvUpload } from "./csv-upload";
import { MessageStep, messageChosen } from "./message";
import { countOf, ReviewStep, scheduleSummary } from "./review";
import { type Schedule, ScheduleStep, scheduleOf, scheduleReady, timingOf } from "./schedule";

const STEPS = ["audience", "message", "schedule", "review"] as const;

function freshDraft(picked: string[]): Draft {
  return {
    name: "",
    channel_id: "",
    audience: picked.length ? { contact_ids: picked } : { segment_id: "" },
    message: { text: "" },
    send_at: null,
  };
}

/** The step a field error belongs on, so the builder can go back to it. */
const stepOfPath = (path: string) =>
  path.startsWith("audience") ? 0 : path === "send_at" || path.startsWith("schedule") ? 2 : 1;

function useRefs() {
  const [segments, setSegments] = useState<Segment[]>([]);
  const [channels, setChannels] = useState<Channel[]>([]);
  const [snippets, setSnippets] = useState<Snippet[]>([]);
  const [tags, setTags] = useState<string[]>([]);
  useEffect(() => {
    listSegments().then(setSegments, () => setSegments([]));
    listChannels().then(setChannels, () => setChannels([]));
    listSnippets().then(setSnippets, () => setSnippets([]));
    contactTags().then(setTags, () => setTags([]));
  }, []);
  return { segments, channels, snippets, tags };
}

function Stepper({
  step,
  reachable,
  onGo,
}: {
  step: number;
  reachable: (i: number) => boolean;
  onGo: (i: number) => void;
}) {
  return (
    <ol class="builder-steps" aria-label={t("broadcasts.steps.label")}>
      {STEPS.map((name, i) => (
        <li key={name} class={i < step ? "done" : i === step ? "current" : ""}>
          <button
            type="button"
            aria-current={i === step ? "step" : undefined}
            disabled={!reachable(i)}
            onClick={() => onGo(i)}
          >
            <span class="step-number" aria-hidden="true">
              {i < step ? <Check size={14} /> : i + 1}
            </span>
            <span>{t(`broadcasts.steps.${name}`)}</span>
          </button>
        </li>
      ))}
    </ol>
  );
}

/** /broadcasts/new and /broadcasts/:id/edit: audience, message, schedule, review — then send. */
export default function BroadcastBuilder({ id }: { id?: string }) {
  const { me } = useSession();
  const { route, query } = useLocation();
  const zone = me.workspace.timezone;
  const refs = useRefs();
  const [draft, setDraft] = useState<Draft | null>(() =>
    id ? null : freshDraft(query.from === "contacts" ? takePickedContacts() : []),
  );
  const [savedId, setSavedId] = useState(id);
  const [step, setStep] = useState(0);
  const [schedule, setSchedule] = useState<Schedule>({ at: "now" });
  useEffect(() => {
    if (!id) return;
    getBroadcast(id).then(
      (b) => {
        const { name, channel_id, audience, message, variants, split, track_clicks } = b;
        const test = variants && split ? { variants, split } : {};
        setDraft({ name, channel_id, audience, message, track_clicks, send_at: null, ...test });
        setSchedule(scheduleOf(b, zone));
      },
      () => route("/broadcasts", true),
    );
  }, [id]);
  const csv = useCsvUpload();
  const counted = useAudiencePreview(draft?.audience ?? {}, refs.segments);
  const preview = draft?.audience.csv ? csvPreview(csv, !id) : counted;
  // a CSV audience needs its file, picked now or uploaded to the saved draft before
  const csvReady = !draft?.audience.csv || Boolean(csv.file || csv.result || id);

  const ready = draft
    ? [
        audienceChosen(draft.audience) && csvReady,
        Boolean(draft.name.trim() && draft.channel_id && messageChosen(draft.message)),
        scheduleReady(schedule, zone),
      ]
    : [];
  if (draft) {
    // an A/B test needs its other variants and a split it can measure, and is sent only once
    ready[1] = Boolean(ready[1] && contentChosen(draft));
    ready[2] = Boolean(ready[2] && !repeatsWithTest(draft, schedule));
  }
  const reachable = (i: number) => ready.slice(0, i).every(Boolean);

  const save = async (extra: Partial<Draft> = {}) => {
    if (!draft) throw new Error("nothing to save");
    const body = { ...bodyOf(draft), ...extra };
    const saved = savedId ? await saveBroadcast(savedId, body) : await createBroadcast(body);
    if (!savedId) {
      setSavedId(saved.id);
      history.replaceState(null, "", `/broadcasts/${saved.id}/edit`);
    }
    return saved;
  };
  const form = useSubmit(save, { success: t("broadcasts.saved") });
  const next = useSubmit(async () => {
    if (step === 1) {
      const saved = await save();
      // the file is matched against the channel's addresses, so it goes up with the draft;
      // refused rows are shown where the file was picked
      if (draft?.audience.csv && csv.file) {
        const added = await csv.upload(saved.id, csv.file);
        if (!added || added.rejected.length) return setStep(0);
      }
    }
    setStep(step + 1);
  });
  const scheduled = schedule.at !== "now";
  const send = useSubmit(async () => {
    const count = countOf(preview);
    const ok = await confirmAction(
      scheduled
        ? {
            title: t("broadcasts.confirm.scheduleTitle"),
            body: scheduleSummary(schedule, zone),
            confirm: t("broadcasts.schedule.action"),
          }
        : {
            title:
              count === null
                ? t("broadcasts.confirm.startTitleUnknown")
                : t("broadcasts.confirm.startTitle", { count, n: formatNumber(count) }),
            body: t("broadcasts.confirm.startBody"),
            confirm: t("broadcasts.start"),
          },
    );
    if (!ok) return;
    const saved = await save(timingOf(schedule, zone));
    if (!scheduled) await actOn(saved.id, "start");
    route(`/broadcasts/${saved.id}`);
  });
  const errors = { ...form.errors, ...next.errors, ...send.errors };
  const firstError = Object.keys(errors)[0];
  useEffect(() => {
    if (firstError && firstError !== "name") setStep(stepOfPath(firstError));
  }, [firstError]);

  if (!draft)
    return (
      <main class="page broadcasts broadcast-builder" id="main">
        <SkeletonRows />
      </main>
    );
  const change = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const last = step === STEPS.length - 1;
  return (
    <main class="page broadcasts broadcast-builder" id="main">
      <PageHeader
        title={id ? t("broadcasts.editTitle") : t("broadcasts.newTitle")}
        description={t("broadcasts.builderDescription")}
        icon={
          <a class="btn ghost icon-only" href="/broadcasts" aria-label={t("broadcasts.back")}>
            <ArrowLeft size={16} class="icon flip-rtl" />
          </a>
        }
      />
      <Field label={t("broadcasts.name")} error={errors.name} class="builder-name">
        <TextInput
          value={draft.name}
          maxLength={100}
          placeholder={t("broadcasts.namePlaceholder")}
          onInput={(e) => change({ name: e.currentTarget.value })}
        />
      </Field>
      <Stepper step={step} reachable={reachable} onGo={setStep} />
      <section class="builder-step" aria-label={t(`broadcasts.steps.${STEPS[step]}`)}>
        {step === 0 && (
          <AudienceStep
            audience={draft.audience}
            onChange={(audience) => change({ audience })}
            segments={refs.segments}
            tags={refs.tags}
            preview={preview}
            errors={errors}
            csvUpload={
              <CsvUpload
                csv={csv}
                saved={Boolean(savedId)}
                onFile={(file) => {
                  csv.choose(file);
                  if (savedId) csv.upload(savedId, file);
                }}
              />
            }
          />
        )}
        {step === 1 && (
          <MessageStep
            channelId={draft.channel_id}
            channels={refs.channels}
            onChannel={(channel_id) => setDraft(withChannel(draft, channel_id))}
            errors={errors}
          >
            <MessageContent
              draft={draft}
              onChange={change}
              channel={refs.channels.find((c) => c.id === draft.channel_id)}
              snippets={refs.snippets}
              sample={preview.kind === "ready" ? preview.preview.sample[0] : undefined}
              count={countOf(preview)}
              repeats={repeatsOn(schedule)}
              errors={errors}
            />
          </MessageStep>
        )}
        {step === 2 && (
          <ScheduleStep schedule={schedule} zone={zone} onChange={setSchedule} errors={errors} />
        )}
        {step === 2 && repeatsWithTest(draft, schedule) && <RepeatRefused />}
        {step === 3 && (
          <ReviewStep draft={draft} preview={preview} schedule={schedule} zone={zone} refs={refs} />
        )}
      </section>
      <footer class="builder-foot">
        {step > 0 && (
          <Button
            icon={<ArrowLeft size={16} class="icon flip-rtl" />}
            onClick={() => setStep(step - 1)}
          >
            {t("broadcasts.previous")}
          </Button>
        )}
        <span class="spacer" />
        {ready[0] && ready[1] && (
          <Button icon={<Save size={16} />} loading={form.busy} onClick={() => form.run()}>
            {t("broadcasts.saveDraft")}
          </Button>
        )}
        {last ? (
          <Button
            variant="primary"
            icon={scheduled ? <CalendarClock size={16} /> : <Send size={16} />}
            loading={send.busy}
            onClick={() => send.run()}
          >
            {scheduled ? t("broadcasts.schedule.action") : t("broadcasts.start")}
          </Button>
        ) : (
          <Button
            variant="primary"
            icon={<ArrowRight size={16} class="icon flip-rtl" />}
            disabled={!ready[step]}
            loading={next.busy}
            onClick={() => next.run()}
          >
            {t("broadcasts.next")}
          </Button>
        )}
      </footer>
    </main>
  );
}
