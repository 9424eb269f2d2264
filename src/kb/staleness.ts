// Is the knowledge base in use behind Microsoft's monthly releases? Pure: the caller passes today.
// Security updates ship on Patch Tuesday (the second Tuesday of the month); a KB last checked
// before the latest Patch Tuesday is behind once that day is more than a grace week past, the
// week the sources need to list the new builds and the user to run `excensus kb update`.

const DAY = 86_400_000;

function utc(date: string): number {
  return Date.parse(`${date.slice(0, 10)}T00:00:00Z`);
}

function iso(t: number): string {
  return new Date(t).toISOString().slice(0, 10);
}

/** The second Tuesday of a month (month 1-12), YYYY-MM-DD. */
export function patchTuesday(year: number, month: number): string {
  const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
  const firstTuesday = 1 + ((2 - first + 7) % 7);
  return iso(Date.UTC(year, month - 1, firstTuesday + 7));
}

/** The latest Patch Tuesday on or before `today` (YYYY-MM-DD). */
export function lastPatchTuesday(today: string): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const thisMonth = patchTuesday(y, m);
  if (thisMonth <= today.slice(0, 10)) return thisMonth;
  return m === 1 ? patchTuesday(y - 1, 12) : patchTuesday(y, m - 1);
}

export function daysBetween(from: string, to: string): number {
  return Math.round((utc(to) - utc(from)) / DAY);
}

export interface Staleness {
  stale: boolean;
  lastPatchTuesday: string;
  /** Days since the KB was last known current. */
  ageDays: number;
}

export function kbStaleness(kbDate: string, today: string, graceDays = 7): Staleness {
  const pt = lastPatchTuesday(today);
  return {
    stale: kbDate.slice(0, 10) < pt && daysBetween(pt, today) > graceDays,
    lastPatchTuesday: pt,
    ageDays: daysBetween(kbDate, today),
  };
}

/** The one-line warning for stderr, or null when the KB is current enough. */
export function stalenessWarning(
  kb: { version: string; date: string },
  today: string,
  graceDays = 7,
): string | null {
  const s = kbStaleness(kb.date, today, graceDays);
  if (!s.stale) return null;
  return `the knowledge base in use (${kb.version}, current as of ${kb.date}) predates the Patch Tuesday of ${s.lastPatchTuesday}; run \`excensus kb update\` (--quiet silences this)`;
}
