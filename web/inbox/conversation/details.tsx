import { useEffect, useState } from "preact/hooks";
import type { ContactResource as ContactDto } from "../../worker/schemas/contacts";
import { request } from "../shared/api";

type Editable = { name: string; phone: string; email: string };

export function ContactPanel({ id, onClose }: { id: string; onClose: () => void }) {
  const [contact, setContact] = useState<ContactDto | null>(null);
  const [form, setForm] = useState<Editable>({ name: "", phone: "", email: "" });
  const [tag, setTag] = useState("");
  const [message, setMessage] = useState<string | null>(null);

  const show = (c: ContactDto) => {
    setContact(c);
    setForm({ name: c.name ?? "", phone: c.phone ?? "", email: c.email ?? "" });
  };

  useEffect(() => {
    request<ContactDto>(`/api/v1/contacts/${id}`).then(show, (e: Error) => setMessage(e.message));
  }, [id]);

  const run = async (work: () => Promise<ContactDto>, done = "Saved") => {
    try {
      show(await work());
      setMessage(done);
    } catch (e) {
      setMessage((e as Error).message);
    }
  };

  const save = (event: Event) => {
    event.preventDefault();
    const blankToNull = (v: string) => (v.trim() ? v.trim() : null);
    run(() =>
      request<ContactDto>(`/api/v1/contacts/${id}`, {
        method: "PATCH",
        json: {
          name: blankToNull(form.name),
          phone: blankToNull(form.phone),
          email: blankToNull(form.email),
        },
      }),
    );
  };

  const addTag = (event: Event) => {
    event.preventDefault();
    if (!tag.trim()) return;
    run(
      () =>
        request<ContactDto>(`/api/v1/contacts/${id}/tags`, {
          method: "POST",
          json: { tags: [tag] },
        }),
      "Tagged",
    );
    setTag("");
  };

  const removeTag = (t: string) =>
    run(
      () =>
        request<ContactDto>(`/api/v1/contacts/${id}/tags/${encodeURIComponent(t)}`, {
          method: "DELETE",
        }),
      "Untagged",
    );

  if (!contact) return <aside class="contact">{message ?? "Loading…"}</aside>;
  const update = (key: keyof Editable) => (e: { currentTarget: HTMLInputElement }) =>
    setForm({ ...form, [key]: e.currentTarget.value });
  return (
    <aside class="contact" aria-label="Contact">
      <button type="button" class="close" onClick={onClose} aria-label="Close">
        ✕
      </button>
      <form onSubmit={save}>
        <label>
          Name
          <input value={form.name} onInput={update("name")} />
        </label>
        <label>
          Phone
          <input type="tel" value={form.phone} onInput={update("phone")} />
        </label>
        <label>
          Email
          <input type="email" value={form.email} onInput={update("email")} />
        </label>
        <button type="submit">Save</button>
      </form>
      <div class="tags">
        {contact.tags.map((t) => (
          <span key={t} class="tag">
            {t}
            <button type="button" onClick={() => removeTag(t)} aria-label={`Remove ${t}`}>
              ×
            </button>
          </span>
        ))}
      </div>
      <form onSubmit={addTag} class="add-tag">
        <input value={tag} placeholder="Add a tag" onInput={(e) => setTag(e.currentTarget.value)} />
      </form>
      {message && <p class="hint">{message}</p>}
    </aside>
  );
}
