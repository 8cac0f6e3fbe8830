import { useState } from "preact/hooks";
import { request } from "../../shared/api";
import { LANGUAGES } from "../../shared/i18n";
import {
  Avatar,
  Badge,
  Button,
  Field,
  PageHeader,
  Select,
  Switch,
  TextInput,
  t,
  toast,
  useSubmit,
} from "../../shared/ui";
import type { Me } from "../me";
import { useSession } from "../session";
import "./people.css";

type Person = NonNullable<Me["user"]>;
type Notifications = Person["notifications"];

function Details({ person }: { person: Person }) {
  const { refresh } = useSession();
  const [name, setName] = useState(person.name);
  const [language, setLanguage] = useState(person.language ?? "");
  const { busy, errors, submit } = useSubmit(
    async () => {
      await request("/api/v1/me", {
        method: "PATCH",
        json: { name, language: (language || null) as Person["language"] },
      });
      // reloads the person and, with them, the app's language
      await refresh();
    },
    { success: t("profile.saved") },
  );
  return (
    <form class="card form" onSubmit={submit} noValidate aria-labelledby="details-title">
      <div class="card-head">
        <Avatar name={name || person.email} size={48} />
        <div>
          <h2 id="details-title">{t("profile.details")}</h2>
          <p class="muted">{person.email}</p>
        </div>
      </div>
      <Field label={t("profile.name")} error={errors.name}>
        <TextInput name="name" value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </Field>
      <Field label={t("profile.language")} hint={t("profile.languageHint")} error={errors.language}>
        <Select
          name="language"
          value={language}
          placeholder={t("profile.workspaceLanguage")}
          options={LANGUAGES.map((l) => ({ value: l.code, label: l.name }))}
          onChange={(e) => setLanguage(e.currentTarget.value)}
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

function Password() {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const { busy, errors, submit, setErrors } = useSubmit(
    async () => {
      await request("/api/v1/me/password", {
        method: "POST",
        json: { current_password: current, new_password: next },
      });
      setCurrent("");
      setNext("");
      setAgain("");
    },
    { success: t("profile.passwordChanged") },
  );
  const onSubmit = (event: Event) => {
    if (next !== again) {
      event.preventDefault();
      setErrors({ again: t("profile.passwordsDiffer") });
      return;
    }
    submit(event);
  };
  return (
    <form class="card form" onSubmit={onSubmit} noValidate aria-labelledby="password-title">
      <div>
        <h2 id="password-title">{t("profile.password")}</h2>
        <p class="muted">{t("profile.passwordHint")}</p>
      </div>
      <Field label={t("profile.currentPassword")} error={errors.current_password}>
        <TextInput
          type="password"
          name="current_password"
          autocomplete="current-password"
          value={current}
          onInput={(e) => setCurrent(e.currentTarget.value)}
        />
      </Field>
      <div class="form-row">
        <Field label={t("profile.newPassword")} error={errors.new_password}>
          <TextInput
            type="password"
            name="new_password"
            autocomplete="new-password"
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </Field>
        <Field label={t("profile.repeatPassword")} error={errors.again}>
          <TextInput
            type="password"
            name="repeat_password"
            autocomplete="new-password"
            value={again}
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
        </Field>
      </div>
      <div class="form-actions">
        <Button variant="primary" type="submit" loading={busy}>
          {t("profile.changePassword")}
        </Button>
      </div>
    </form>
  );
}

/** Desktop notifications need the browser's permission: asked when they are switched on. */
async function desktopAllowed() {
  if (!("Notification" in window)) return false;
  if (Notification.permission === "granted") return true;
  if (Notification.permission === "denied") return false;
  return (await Notification.requestPermission()) === "granted";
}

function NotificationPreferences({ person }: { person: Person }) {
  const { refresh } = useSession();
  const [prefs, setPrefs] = useState<Notifications>(person.notifications);
  const { run } = useSubmit(async (next: Notifications) => {
    await request("/api/v1/me", { method: "PATCH", json: { notifications: next } });
    await refresh();
  });
  const change = async (key: keyof Notifications, on: boolean) => {
    if (key === "desktop" && on && !(await desktopAllowed())) {
      toast.error(t("profile.desktopBlocked"));
      return;
    }
    const next = { ...prefs, [key]: on };
    setPrefs(next);
    if (!(await run(next))) setPrefs(prefs);
  };
  const blocked = "Notification" in window && Notification.permission === "denied";
  return (
    <section class="card form" aria-labelledby="notifications-title">
      <div>
        <h2 id="notifications-title">{t("profile.notifications")}</h2>
        <p class="muted">{t("profile.notificationsHint")}</p>
      </div>
      <div class="switch-list">
        <Switch
          checked={prefs.sound}
          label={t("profile.sound")}
          onChange={(on) => change("sound", on)}
        />
        <Switch
          checked={prefs.desktop}
          label={t("profile.desktop")}
          onChange={(on) => change("desktop", on)}
        />
        {blocked && <p class="hint muted">{t("profile.desktopBlocked")}</p>}
      </div>
      <h3 class="subhead">{t("profile.notifyAbout")}</h3>
      <div class="switch-list">
        <Switch
          checked={prefs.new_conversations}
          label={t("profile.newConversations")}
          onChange={(on) => change("new_conversations", on)}
        />
        <Switch
          checked={prefs.my_messages}
          label={t("profile.myConversations")}
          onChange={(on) => change("my_messages", on)}
        />
        <div class="always">
          <Switch checked disabled label={t("profile.mentions")} onChange={() => {}} />
          <Badge>{t("profile.always")}</Badge>
        </div>
      </div>
    </section>
  );
}

export default function ProfileScreen() {
  const { me } = useSession();
  const person = me.user as Person | null;
  return (
    <div class="page">
      <PageHeader title={t("profile.title")} description={t("profile.description")} />
      {person ? (
        <div class="stack">
          <Details person={person} />
          <NotificationPreferences person={person} />
          <Password />
        </div>
      ) : (
        <p class="muted">{t("profile.apiKey")}</p>
      )}
    </div>
  );
}
