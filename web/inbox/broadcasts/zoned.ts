/** Wall-clock times in a named time zone ("2026-12-24T09:30") to and from instants. */

/** The wall-clock time of an instant in `zone`, as a datetime-local input shows it. */
export function wallTimeIn(zone: string, at: number | string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
    })
      .formatToParts(new Date(at))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

const asUtc = (wall: string) => Date.parse(`${wall}:00Z`);

/** The instant (ISO) when the clocks in `zone` show `wall`; null when `wall` is no time. */
export function instantOf(wall: string, zone: string): string | null {
  const guess = asUtc(wall);
  if (Number.isNaN(guess)) return null;
  // the zone's offset at the guess, then again at the corrected time (offsets change at DST)
  let at = guess - (asUtc(wallTimeIn(zone, guess)) - guess);
  at = guess - (asUtc(wallTimeIn(zone, at)) - at);
  return new Date(at).toISOString();
}

export const nowWall = (zone: string, inMinutes = 0) => {
  const at = new Date(Date.now() + inMinutes * 60_000);
  at.setSeconds(0, 0);
  return wallTimeIn(zone, at.getTime());
};
