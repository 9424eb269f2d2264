// The observation window of a set of records: the earliest and latest of their own timestamps.
// Kept per block while reading (two string comparisons a record), merged per file and scan.

/** When data was observed: earliest and latest record time, ISO 8601 UTC. */
export interface ObservedWindow {
  first: string;
  last: string;
}

/** '' = no time seen yet. Times are the readers' normalised form (toIsoTime: 24 characters, UTC). */
export interface TimeSpan {
  first: string;
  last: string;
}

export function emptySpan(): TimeSpan {
  return { first: '', last: '' };
}

/** Widens `span` by one record's time; times not in the normalised form (or none) are left out. */
export function addTime(span: TimeSpan, t: string): void {
  // normalised UTC times have one length and compare as text
  if (t.length !== 24 || t.charCodeAt(23) !== 90) return;
  if (span.first === '' || t < span.first) span.first = t;
  if (t > span.last) span.last = t;
}

/** Widens `span` by another span. */
export function mergeSpan(span: TimeSpan, other: TimeSpan | undefined): void {
  if (!other || other.first === '') return;
  addTime(span, other.first);
  addTime(span, other.last);
}

export function spanWindow(span: TimeSpan): ObservedWindow | null {
  return span.first === '' ? null : { first: span.first, last: span.last };
}

/**
 * The window `--observed-at` gives: a date (YYYY-MM-DD, the whole day is not claimed: its start)
 * or a full ISO time; null when the text is neither.
 */
export function parseObservedAt(text: string): ObservedWindow | null {
  const s = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : text;
  const d = new Date(s);
  if (Number.isNaN(d.getTime()) || !/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const iso = d.toISOString();
  return { first: iso, last: iso };
}

/** A window as a label: "2026-04-02", or "2026-04-02..2026-04-05" when it spans days. */
export function windowLabel(w: ObservedWindow): string {
  const a = w.first.slice(0, 10);
  const b = w.last.slice(0, 10);
  return a === b ? a : `${a}..${b}`;
}
