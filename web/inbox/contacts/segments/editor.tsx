import { ChevronLeft } from "lucide-preact";
import { useEffect, useMemo, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import {
  Badge,
  Button,
  Field,
  type FieldErrors,
  RuleGroups,
  SkeletonRows,
  TextArea,
  TextInput,
  t,
  useSubmit,
} from "../../../shared/ui";
import { useSession } from "../../session";
import { contactFields, contactTags } from "../api";
import {
  canEditSegments,
  createSegment,
  getSegment,
  listChannels,
  type Segment,
  type SegmentDraft,
  type SegmentRule,
  saveSegment,
} from "./api";
import { defaultRule, emptyRules, type Refs } from "./model";
import { PreviewPanel, usePreview } from "./preview";
import { SegmentRuleInputs } from "./rule-inputs";

/** Rules handed over in the address (`?rules=`), as "Save as segment" on the contacts list does. */
function rulesFromQuery(raw: string | undefined): SegmentDraft["rules"] | null {
  if (!raw) return null;
  try {
    const rules = JSON.parse(raw);
    return Array.isArray(rules?.groups) ? rules : null;
  } catch {
    return null;
  }
}

const loadRefs = async (): Promise<Refs> => {
  const [fields, channels, tags] = await Promise.all([
    contactFields().catch(() => []),
    listChannels().catch(() => []),
    contactTags().catch(() => []),
  ]);
  return { fields, channels, tags };
};

/** /contacts/segments/new and /contacts/segments/:id: load what is there, then edit it. */
export default function SegmentEditor({ id }: { id?: string }) {
  const { query } = useLocation();
  const [segment, setSegment] = useState<Segment | null | undefined>(id ? undefined : null);
  const [refs, setRefs] = useState<Refs | null>(null);
  useEffect(() => {
    loadRefs().then(setRefs);
  }, []);
  useEffect(() => {
    if (id) getSegment(id).then(setSegment, () => setSegment(null));
    else setSegment(null);
  }, [id]);
  if (segment === undefined || refs === null)
    return (
      <main class="page" id="main" aria-busy="true">
        <SkeletonRows rows={6} />
      </main>
    );
  const initial: SegmentDraft = segment
    ? { name: segment.name, description: segment.description ?? "", rules: segment.rules }
    : { name: "", description: "", rules: rulesFromQuery(query.rules) ?? emptyRules() };
  return <Editor key={segment?.id ?? "new"} segment={segment} initial={initial} refs={refs} />;
}

function Editor({
  segment: loaded,
  initial,
  refs,
}: {
  segment: Segment | null;
  initial: SegmentDraft;
  refs: Refs;
}) {
  const { me } = useSession();
  const { route } = useLocation();
  const editable = canEditSegments(me);
  const [segment, setSegment] = useState(loaded);
  const [saved, setSaved] = useState(loaded ? initial : null);
  const [draft, setDraft] = useState(initial);
  const dirty = useMemo(() => JSON.stringify(draft) !== JSON.stringify(saved), [draft, saved]);
  const change = (part: Partial<SegmentDraft>) => setDraft((d) => ({ ...d, ...part }));
  const [previewErrors, setPreviewErrors] = useState<FieldErrors>({});
  const preview = usePreview(draft.rules, setPreviewErrors);

  const { busy, errors, submit } = useSubmit(
    async () => {
      const body = { ...draft, description: draft.description?.trim() || null };
      const next = segment ? await saveSegment(segment.id, body) : await createSegment(body);
      setSaved(draft);
      setSegment(next);
      if (!segment) route(`/contacts/segments/${next.id}`, true);
    },
    { success: t("segments.saved") },
  );
  const shownErrors = { ...previewErrors, ...errors };

  return (
    <main class="page segment-editor" id="main">
      <a class="back-link" href="/contacts/segments">
        <ChevronLeft size={16} class="icon flip-rtl" />
        {t("segments.title")}
      </a>
      <header class="page-head">
        <div>
          <h1>{segment ? segment.name : t("segments.new")}</h1>
          <p>{t("segments.editorIntro")}</p>
        </div>
        <div class="head-actions">
          {dirty && segment && <Badge tone="warning">{t("segments.unsaved")}</Badge>}
          {segment && (
            <a class="btn" href={`/contacts?segment=${segment.id}`}>
              {t("segments.showContacts")}
            </a>
          )}
          {editable && (
            <Button variant="primary" type="submit" form="segment-form" loading={busy}>
              {segment ? t("common.save") : t("segments.create")}
            </Button>
          )}
        </div>
      </header>
      {!editable && <p class="notice">{t("segments.readOnly")}</p>}
      <div class="segment-grid">
        <form id="segment-form" class="card stack" onSubmit={submit} noValidate>
          <Field label={t("segments.name")} error={shownErrors.name}>
            <TextInput
              name="name"
              value={draft.name}
              maxLength={100}
              onInput={(e) => change({ name: e.currentTarget.value })}
            />
          </Field>
          <Field label={t("segments.description")} error={shownErrors.description}>
            <TextArea
              name="description"
              rows={2}
              value={draft.description ?? ""}
              onInput={(e) => change({ description: e.currentTarget.value })}
            />
          </Field>
          <fieldset class="plain-fieldset stack">
            <legend class="label">{t("segments.rules")}</legend>
            {draft.rules.groups.length === 0 && <p class="muted small">{t("segments.everyone")}</p>}
            <RuleGroups<SegmentRule>
              value={draft.rules}
              onChange={(rules) => change({ rules: rules as SegmentDraft["rules"] })}
              newRule={() => defaultRule("tag", refs)}
              path="rules"
              renderRule={(rule, onChange, path) => (
                <SegmentRuleInputs
                  rule={rule}
                  onChange={onChange}
                  refs={refs}
                  errors={shownErrors}
                  path={path}
                />
              )}
            />
            {shownErrors.rules && <span class="field-error">{shownErrors.rules}</span>}
          </fieldset>
        </form>
        <aside>
          <PreviewPanel state={preview} />
        </aside>
      </div>
    </main>
  );
}
