import { Plus, X } from "lucide-preact";
import { useEffect, useId, useState } from "preact/hooks";
import { Badge, Button, Field, t, useSubmit } from "../../shared/ui";
import { addTag, type Contact, contactTags, removeTag } from "./api";

export function TagEditor({
  contact,
  onChange,
}: {
  contact: Contact;
  onChange: (c: Contact) => void;
}) {
  const [draft, setDraft] = useState("");
  const [known, setKnown] = useState<string[]>([]);
  const listId = useId();
  useEffect(() => {
    contactTags().then(setKnown, () => setKnown([]));
  }, []);
  const { busy, errors, submit, run } = useSubmit(async (tag?: string) => {
    if (tag) {
      onChange(await removeTag(contact.id, tag));
      return;
    }
    if (!draft.trim()) return;
    onChange(await addTag(contact.id, draft.trim()));
    setDraft("");
  });
  const suggestions = known.filter((tag) => !contact.tags.includes(tag));
  return (
    <>
      {contact.tags.length === 0 ? (
        <p class="muted small">{t("contacts.page.noTags")}</p>
      ) : (
        <ul class="tag-editor-list" aria-label={t("contacts.page.tags")}>
          {contact.tags.map((tag) => (
            <li key={tag}>
              <Badge tone="primary">
                {tag}
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={t("contacts.page.removeTag", { tag })}
                  onClick={() => run(tag)}
                >
                  <X size={12} aria-hidden="true" />
                </button>
              </Badge>
            </li>
          ))}
        </ul>
      )}
      <form class="tag-add" onSubmit={submit}>
        <Field label={t("contacts.page.addTag")} error={errors["tags.0"]}>
          <input
            class="input"
            list={listId}
            value={draft}
            autocomplete="off"
            placeholder={t("contacts.page.addTagPlaceholder")}
            onInput={(e) => setDraft(e.currentTarget.value)}
          />
        </Field>
        <datalist id={listId}>
          {suggestions.map((tag) => (
            <option key={tag} value={tag} />
          ))}
        </datalist>
        <Button type="submit" icon={<Plus size={16} />} loading={busy}>
          {t("common.add")}
        </Button>
      </form>
    </>
  );
}
