import { ArrowDown, ArrowUp, Plus, Trash2 } from "lucide-preact";
import { useEffect, useState } from "preact/hooks";
import { request } from "../../../shared/api";
import {
  Button,
  Field,
  IconButton,
  type Option,
  Select,
  Switch,
  TextArea,
  TextInput,
  t,
  useSubmit,
} from "../../../shared/ui";
import type { Channel, ChannelRouting } from "./look";

type Menu = NonNullable<ChannelRouting["menu"]>;
type MenuOption = Menu["options"][number];

const newMenu = (teamId: string): Menu => ({
  prompt: t("channels.menu.defaultPrompt"),
  options: [{ key: "1", label: "", team_id: teamId }],
  max_attempts: 3,
  default_team_id: null,
});

function useOptions(url: string) {
  const [options, setOptions] = useState<Option[]>([]);
  useEffect(() => {
    request<{ data: { id: string; name: string }[] }>(url)
      .then(({ data }) => setOptions(data.map((x) => ({ value: x.id, label: x.name }))))
      .catch(() => setOptions([]));
  }, [url]);
  return options;
}

/** The numbered menu a customer answers before reaching a team. */
function MenuEditor({
  menu,
  teams,
  onChange,
  errors,
}: {
  menu: Menu;
  teams: Option[];
  onChange: (menu: Menu) => void;
  errors: Record<string, string>;
}) {
  const setOption = (i: number, patch: Partial<MenuOption>) =>
    onChange({ ...menu, options: menu.options.map((o, j) => (j === i ? { ...o, ...patch } : o)) });
  const move = (i: number, by: number) => {
    const options = [...menu.options];
    const [moved] = options.splice(i, 1);
    if (moved) options.splice(i + by, 0, moved);
    onChange({ ...menu, options });
  };
  return (
    <fieldset class="sub-list">
      <legend>{t("channels.menu.title")}</legend>
      <Field
        label={t("channels.menu.prompt")}
        hint={t("channels.menu.promptHint")}
        error={errors["menu.prompt"]}
      >
        <TextArea
          rows={2}
          value={menu.prompt}
          onInput={(e) => onChange({ ...menu, prompt: e.currentTarget.value })}
        />
      </Field>
      <ol class="menu-options">
        {menu.options.map((option, i) => (
          <li key={i} class="menu-option">
            <Field label={t("channels.menu.key")} error={errors[`menu.options.${i}.key`]}>
              <TextInput
                value={option.key}
                maxLength={10}
                onInput={(e) => setOption(i, { key: e.currentTarget.value })}
              />
            </Field>
            <Field label={t("channels.menu.label")} error={errors[`menu.options.${i}.label`]}>
              <TextInput
                value={option.label}
                placeholder={t("channels.menu.labelPlaceholder")}
                onInput={(e) => setOption(i, { label: e.currentTarget.value })}
              />
            </Field>
            <Field label={t("channels.menu.team")} error={errors[`menu.options.${i}.team_id`]}>
              <Select
                value={option.team_id}
                options={teams}
                placeholder={t("channels.routing.chooseTeam")}
                onChange={(e) => setOption(i, { team_id: e.currentTarget.value })}
              />
            </Field>
            <span class="row-actions">
              <IconButton
                label={t("channels.menu.moveUp")}
                icon={<ArrowUp size={16} />}
                disabled={i === 0}
                onClick={() => move(i, -1)}
              />
              <IconButton
                label={t("channels.menu.moveDown")}
                icon={<ArrowDown size={16} />}
                disabled={i === menu.options.length - 1}
                onClick={() => move(i, 1)}
              />
              <IconButton
                label={t("channels.menu.removeOption")}
                icon={<Trash2 size={16} />}
                disabled={menu.options.length === 1}
                onClick={() =>
                  onChange({ ...menu, options: menu.options.filter((_, j) => j !== i) })
                }
              />
            </span>
          </li>
        ))}
      </ol>
      <Button
        size="sm"
        variant="ghost"
        icon={<Plus size={16} />}
        disabled={menu.options.length >= 20}
        onClick={() =>
          onChange({
            ...menu,
            options: [
              ...menu.options,
              { key: String(menu.options.length + 1), label: "", team_id: teams[0]?.value ?? "" },
            ],
          })
        }
      >
        {t("channels.menu.addOption")}
      </Button>
      <div class="form-row">
        <Field label={t("channels.menu.attempts")} hint={t("channels.menu.attemptsHint")}>
          <TextInput
            type="number"
            min={1}
            max={10}
            value={menu.max_attempts}
            onInput={(e) => onChange({ ...menu, max_attempts: Number(e.currentTarget.value) || 1 })}
          />
        </Field>
        <Field label={t("channels.menu.fallback")} error={errors["menu.default_team_id"]}>
          <Select
            value={menu.default_team_id ?? ""}
            options={teams}
            placeholder={t("channels.routing.sameAsChannel")}
            onChange={(e) => onChange({ ...menu, default_team_id: e.currentTarget.value || null })}
          />
        </Field>
      </div>
    </fieldset>
  );
}

/** Where the channel's new conversations go: a team, business hours, an optional chat menu. */
export function RoutingSettings({
  channel,
  onSaved,
}: {
  channel: Channel;
  onSaved: (routing: ChannelRouting) => void;
}) {
  const teams = useOptions("/api/v1/teams");
  const schedules = useOptions("/api/v1/business-hours");
  const [routing, setRouting] = useState<ChannelRouting>(channel.routing ?? {});
  const { busy, errors, submit } = useSubmit(
    async () => {
      const saved = await request<ChannelRouting>(`/api/v1/channels/${channel.id}/routing`, {
        method: "PUT",
        json: {
          team_id: routing.team_id || null,
          business_hours_id: routing.business_hours_id || null,
          menu: routing.menu ?? null,
        },
      });
      setRouting(saved);
      onSaved(saved);
    },
    { success: t("channels.saved") },
  );
  return (
    <form class="form" onSubmit={submit} noValidate aria-label={t("channels.tab.routing")}>
      <p class="muted">{t("channels.routing.intro")}</p>
      <div class="form-row">
        <Field label={t("channels.routing.team")} error={errors.team_id}>
          <Select
            name="team_id"
            value={routing.team_id ?? ""}
            options={teams}
            placeholder={t("channels.routing.noTeam")}
            onChange={(e) => setRouting({ ...routing, team_id: e.currentTarget.value || null })}
          />
        </Field>
        <Field
          label={t("channels.routing.hours")}
          hint={t("channels.routing.hoursHint")}
          error={errors.business_hours_id}
        >
          <Select
            name="business_hours_id"
            value={routing.business_hours_id ?? ""}
            options={schedules}
            placeholder={t("channels.routing.workspaceHours")}
            onChange={(e) =>
              setRouting({ ...routing, business_hours_id: e.currentTarget.value || null })
            }
          />
        </Field>
      </div>
      <Switch
        checked={Boolean(routing.menu)}
        disabled={teams.length === 0}
        onChange={(on) =>
          setRouting({ ...routing, menu: on ? newMenu(teams[0]?.value ?? "") : null })
        }
        label={t("channels.menu.enable")}
      />
      {teams.length === 0 && <p class="hint">{t("channels.menu.needsTeams")}</p>}
      {routing.menu && (
        <MenuEditor
          menu={routing.menu}
          teams={teams}
          errors={errors}
          onChange={(menu) => setRouting({ ...routing, menu })}
        />
      )}
      <div class="form-actions">
        <Button variant="primary" type="submit" loading={busy}>
          {t("common.save")}
        </Button>
      </div>
    </form>
  );
}
