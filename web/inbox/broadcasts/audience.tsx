import type { ComponentChildren } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ChipsInput, Field, Select, t } from "../../shared/ui";
import { type Contact, getContact } from "../contacts/api";
import type { Segment, SegmentPreview, SegmentRules } from "../contacts/segments/api";
import { PreviewPanel, usePreview } from "../contacts/segments/preview";
import type { Audience } from "./api";

export type AudienceKind = "segment" | "tags" | "contacts" | "csv";
export type AudiencePreview = ReturnType<typeof usePreview>;

export const kindOf = (audience: Audience): AudienceKind =>
  audience.csv
    ? "csv"
    : audience.segment_id !== undefined
      ? "segment"
      : audience.tags
        ? "tags"
        : "contacts";

/** An audience names someone: a segment, some tags, some contacts or a CSV file's. */
export const audienceChosen = (audience: Audience) =>
  Boolean(
    audience.segment_id || audience.tags?.length || audience.contact_ids?.length || audience.csv,
  );

// rules the segment preview will not count: the audience is not chosen yet, or named contacts
const NOTHING: SegmentRules = {
  match: "all",
  groups: [{ match: "all", rules: [{ type: "tag", operator: "has_any", tags: [] }] }],
};

function rulesOf(audience: Audience, segments: Segment[]): SegmentRules {
  if (audience.segment_id)
    return segments.find((s) => s.id === audience.segment_id)?.rules ?? NOTHING;
  if (audience.tags?.length)
    return {
      match: "all",
      groups: [
        { match: "all", rules: [{ type: "tag", operator: "has_any", tags: audience.tags }] },
      ],
    };
  return NOTHING;
}

const SAMPLE_SIZE = 5;

/** Named contacts: their number, and the first few of them to show. */
function usePickedContacts(ids: string[] | undefined): SegmentPreview | null {
  const [sample, setSample] = useState<Contact[]>([]);
  const key = (ids ?? []).slice(0, SAMPLE_SIZE).join(",");
  useEffect(() => {
    if (!key) return setSample([]);
    Promise.all(key.split(",").map((id) => getContact(id).catch(() => null))).then((found) =>
      setSample(found.filter((c): c is Contact => c !== null)),
    );
  }, [key]);
  return ids?.length ? { count: ids.length, sample } : null;
}

/**
 * How many the audience takes in now and a few of them: the segments' live count for a segment
 * or tags, the picked contacts themselves otherwise.
 */
export function useAudiencePreview(audience: Audience, segments: Segment[]): AudiencePreview {
  const counted = usePreview(rulesOf(audience, segments), () => {});
  const picked = usePickedContacts(audience.contact_ids);
  return kindOf(audience) === "contacts" && picked ? { kind: "ready", preview: picked } : counted;
}

export function AudienceStep({
  audience,
  onChange,
  segments,
  tags,
  preview,
  errors,
  csvUpload,
}: {
  audience: Audience;
  onChange: (audience: Audience) => void;
  segments: Segment[];
  tags: string[];
  preview: AudiencePreview;
  errors: Record<string, string>;
  /** the file input of a CSV audience */
  csvUpload: ComponentChildren;
}) {
  const kind = kindOf(audience);
  const [picked] = useState(audience.contact_ids);
  const choose = (next: AudienceKind) =>
    onChange(
      next === "segment"
        ? { segment_id: "" }
        : next === "tags"
          ? { tags: [] }
          : next === "csv"
            ? { csv: true }
            : { contact_ids: picked ?? [] },
    );
  const kinds: AudienceKind[] = picked?.length
    ? ["contacts", "segment", "tags", "csv"]
    : ["segment", "tags", "csv"];
  return (
    <div class="builder-columns">
      <div class="stack">
        <Field label={t("broadcasts.audience.kind")} error={errors.audience}>
          <Select
            value={kind}
            onChange={(e) => choose(e.currentTarget.value as AudienceKind)}
            options={kinds.map((k) => ({ value: k, label: t(`broadcasts.audience.kinds.${k}`) }))}
          />
        </Field>
        {kind === "segment" && (
          <Field
            label={t("broadcasts.audience.segment")}
            error={errors["audience.segment_id"]}
            hint={
              segments.length ? (
                <a href="/contacts/segments">{t("broadcasts.audience.manageSegments")}</a>
              ) : (
                t("broadcasts.audience.noSegments")
              )
            }
          >
            <Select
              value={audience.segment_id ?? ""}
              placeholder={t("broadcasts.audience.chooseSegment")}
              onChange={(e) => onChange({ segment_id: e.currentTarget.value })}
              options={segments.map((s) => ({ value: s.id, label: s.name }))}
            />
          </Field>
        )}
        {kind === "tags" && (
          <Field
            label={t("broadcasts.audience.tags")}
            error={errors["audience.tags"]}
            hint={
              tags.length
                ? t("broadcasts.audience.knownTags", { tags: tags.slice(0, 8).join(", ") })
                : t("broadcasts.audience.tagsHint")
            }
          >
            <ChipsInput
              values={audience.tags ?? []}
              onChange={(next) => onChange({ tags: next })}
              placeholder={t("broadcasts.audience.tagsPlaceholder")}
            />
          </Field>
        )}
        {kind === "contacts" && (
          <p class="muted">{t("broadcasts.audience.pickedHint", { count: picked?.length ?? 0 })}</p>
        )}
        {kind === "csv" && csvUpload}
        <p class="muted small">{t("broadcasts.audience.exclusions")}</p>
      </div>
      <PreviewPanel state={preview} />
    </div>
  );
}
