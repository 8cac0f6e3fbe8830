import { BookmarkPlus } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { useLocation } from "preact-iso";
import { Button, Select, t } from "../../../shared/ui";
import { useSession } from "../../session";
import type { ContactField, ListQuery } from "../api";
import { canEditSegments, listSegments, type Segment } from "./api";
import { rulesOfFilters } from "./model";

/** The contacts list narrowed to one saved segment. */
export function SegmentSelect({
  value,
  onChange,
}: {
  value: string;
  onChange: (segmentId: string) => void;
}) {
  const [segments, setSegments] = useState<Segment[]>([]);
  useEffect(() => {
    listSegments().then(setSegments, () => setSegments([]));
  }, []);
  if (segments.length === 0 && !value) return null;
  return (
    <Select
      aria-label={t("segments.filter")}
      value={value}
      placeholder={t("segments.anySegment")}
      options={segments.map((s) => ({ value: s.id, label: s.name }))}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  );
}

/** Opens a new segment holding the list's tag and field filters, when they say the same thing. */
export function SaveAsSegment({ query, fields }: { query: ListQuery; fields: ContactField[] }) {
  const { me } = useSession();
  const { route } = useLocation();
  const rules =
    query.q.trim() || query.segment ? null : rulesOfFilters(query.tag, query.fields, fields);
  if (!rules || !canEditSegments(me)) return null;
  return (
    <Button
      icon={<BookmarkPlus size={16} />}
      onClick={() =>
        route(`/contacts/segments/new?rules=${encodeURIComponent(JSON.stringify(rules))}`)
      }
    >
      {t("segments.saveAs")}
    </Button>
  );
}
