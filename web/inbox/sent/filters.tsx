import { Bookmark, BookmarkPlus, Search, Trash2, X } from "lucide-preact";
import { useState } from "preact/hooks";
import type { ChannelType } from "../../../worker/db/schema";
import {
  Button,
  Dialog,
  Field,
  FormFooter,
  Menu,
  type MenuItem,
  Select,
  TextInput,
  t,
  useSubmit,
} from "../../shared/ui";
import { ContactPicker } from "../contacts/contact-picker";
import { typeName } from "../settings/channels/look";
import { type Filters, type SavedFilter, STATUSES, saveFilter } from "./api";

type Channel = { id: string; name: string; type: ChannelType };

/** A day picked in the bar ("2026-12-06") as the instant it starts, here; and back. */
const dayStart = (day: string) => new Date(`${day}T00:00`).toISOString();
const dayOf = (iso: string) => {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};
const nextDay = (day: string) => {
  const d = new Date(`${day}T00:00`);
  d.setDate(d.getDate() + 1);
  return d.toISOString();
};
/** "to" is exclusive in the API; the bar shows the last day it includes. */
const lastDayOf = (iso: string) => dayOf(new Date(Date.parse(iso) - 1).toISOString());

export const statusLabel = (status: string) => t(`sent.status.${status}`);

/** The kinds of channel the workspace has, each once, in the order they were connected. */
const kindsOf = (channels: Channel[]) => [...new Set(channels.map((c) => c.type))];

/**
 * The history's filters: text, status, manual or automatic, channel kind, sender account,
 * contact and a date range. Picking a kind narrows the sender accounts to that kind.
 */
export function FilterBar({
  filters,
  search,
  channels,
  onSearch,
  onChange,
}: {
  filters: Filters;
  search: string;
  channels: Channel[];
  onSearch: (q: string) => void;
  onChange: (filters: Filters) => void;
}) {
  const set = (change: Partial<Filters>) => onChange({ ...filters, ...change });
  return (
    <div class="toolbar sent-toolbar">
      <label class="search-box">
        <Search size={16} class="icon" aria-hidden="true" />
        <span class="sr-only">{t("sent.filters.search")}</span>
        <input
          class="input"
          type="search"
          value={search}
          placeholder={t("sent.filters.searchPlaceholder")}
          onInput={(e) => onSearch(e.currentTarget.value)}
        />
      </label>
      <Select
        aria-label={t("sent.filters.status")}
        value={filters.status ?? ""}
        placeholder={t("sent.filters.anyStatus")}
        options={STATUSES.map((s) => ({ value: s, label: statusLabel(s) }))}
        onChange={(e) => set({ status: (e.currentTarget.value || undefined) as Filters["status"] })}
      />
      <Select
        aria-label={t("sent.filters.kind")}
        value={filters.kind ?? ""}
        placeholder={t("sent.filters.anyKind")}
        options={[
          { value: "manual", label: t("sent.kind.manual") },
          { value: "automatic", label: t("sent.kind.automatic") },
        ]}
        onChange={(e) => set({ kind: (e.currentTarget.value || undefined) as Filters["kind"] })}
      />
      <Select
        aria-label={t("sent.filters.channelKind")}
        value={filters.channel_kind ?? ""}
        placeholder={t("sent.filters.anyChannelKind")}
        options={kindsOf(channels).map((kind) => ({ value: kind, label: typeName(kind) }))}
        onChange={(e) => {
          const kind = (e.currentTarget.value || undefined) as ChannelType | undefined;
          const account = channels.find((c) => c.id === filters.channel_id);
          const keepAccount = !kind || account?.type === kind;
          set({ channel_kind: kind, channel_id: keepAccount ? filters.channel_id : undefined });
        }}
      />
      <Select
        aria-label={t("sent.filters.channel")}
        value={filters.channel_id ?? ""}
        placeholder={t("sent.filters.anyChannel")}
        options={channels
          .filter((c) => !filters.channel_kind || c.type === filters.channel_kind)
          .map((c) => ({ value: c.id, label: c.name }))}
        onChange={(e) => set({ channel_id: e.currentTarget.value || undefined })}
      />
      <div class="contact-filter">
        <ContactPicker
          aria-label={t("sent.filters.contact")}
          value={filters.contact_id ?? ""}
          onChange={(contactId) => set({ contact_id: contactId || undefined })}
        />
      </div>
      <label class="date-filter">
        <span>{t("sent.filters.from")}</span>
        <input
          class="input"
          type="date"
          value={filters.from ? dayOf(filters.from) : ""}
          onChange={(e) =>
            set({ from: e.currentTarget.value ? dayStart(e.currentTarget.value) : undefined })
          }
        />
      </label>
      <label class="date-filter">
        <span>{t("sent.filters.to")}</span>
        <input
          class="input"
          type="date"
          value={filters.to ? lastDayOf(filters.to) : ""}
          onChange={(e) =>
            set({ to: e.currentTarget.value ? nextDay(e.currentTarget.value) : undefined })
          }
        />
      </label>
    </div>
  );
}

/** The person's saved filters: apply one, save the current ones, delete one. */
export function SavedFiltersMenu({
  saved,
  onApply,
  onSave,
  onDelete,
}: {
  saved: SavedFilter[];
  onApply: (filter: SavedFilter) => void;
  onSave: () => void;
  onDelete: (filter: SavedFilter) => void;
}) {
  const items: MenuItem[] = [
    ...saved.map((filter) => ({
      label: filter.name,
      icon: <Bookmark size={16} />,
      onSelect: () => onApply(filter),
    })),
    ...(saved.length ? ["separator" as const] : []),
    { label: t("sent.saved.save"), icon: <BookmarkPlus size={16} />, onSelect: onSave },
    ...saved.map((filter) => ({
      label: t("sent.saved.delete", { name: filter.name }),
      danger: true,
      icon: <Trash2 size={16} />,
      onSelect: () => onDelete(filter),
    })),
  ];
  return (
    <Menu
      align="end"
      trigger={(props) => (
        <Button icon={<Bookmark size={16} />} {...props}>
          {t("sent.saved.title")}
        </Button>
      )}
      items={items}
    />
  );
}

/** Names the current filters and saves them. */
export function SaveFilterDialog({
  open,
  filters,
  onClose,
  onSaved,
}: {
  open: boolean;
  filters: Filters;
  onClose: () => void;
  onSaved: (filter: SavedFilter) => void;
}) {
  const [name, setName] = useState("");
  const { busy, errors, submit } = useSubmit(
    async () => {
      onSaved(await saveFilter(name, filters));
      setName("");
      onClose();
    },
    { success: t("sent.saved.created") },
  );
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title={t("sent.saved.createTitle")}
      footer={<FormFooter form="sent-filter-form" busy={busy} onCancel={onClose} />}
    >
      <form id="sent-filter-form" class="form" onSubmit={submit}>
        <Field label={t("sent.saved.name")} error={errors.name} hint={t("sent.saved.hint")}>
          <TextInput
            name="name"
            value={name}
            maxLength={60}
            onInput={(e) => setName(e.currentTarget.value)}
          />
        </Field>
      </form>
    </Dialog>
  );
}

/** A button that clears every filter, shown while any is set. */
export function ClearFilters({ onClear }: { onClear: () => void }) {
  return (
    <Button size="sm" variant="ghost" icon={<X size={14} />} onClick={onClear}>
      {t("sent.filters.clear")}
    </Button>
  );
}
