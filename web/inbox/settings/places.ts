import { currentLanguage, type Option } from "../../shared/ui";

/** Every IANA zone the browser knows, labelled with its current UTC offset ("Europe/Madrid (UTC+1)"). */
export function timezoneOptions(): Option[] {
  const zones = Intl.supportedValuesOf("timeZone");
  const withUtc = zones.includes("UTC") ? zones : ["UTC", ...zones];
  const now = new Date();
  return withUtc.map((zone) => {
    const offset =
      new Intl.DateTimeFormat("en", { timeZone: zone, timeZoneName: "shortOffset" })
        .formatToParts(now)
        .find((p) => p.type === "timeZoneName")?.value ?? "";
    return { value: zone, label: `${zone.replaceAll("_", " ")} (${offset.replace("GMT", "UTC")})` };
  });
}

const REGIONS =
  "AD AE AF AG AI AL AM AO AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GT GU GW GY HK HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW".split(
    " ",
  );

/** Countries by ISO code, named in the agent's language and sorted by that name. */
export function countryOptions(): Option[] {
  const names = new Intl.DisplayNames([currentLanguage()], { type: "region" });
  return REGIONS.map((code) => ({
    value: code,
    label: `${names.of(code) ?? code} (${code})`,
  })).sort((a, b) => a.label.localeCompare(b.label, currentLanguage()));
}
