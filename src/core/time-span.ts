// The observation window of a set of records: the earliest and latest of their own timestamps.
// Kept per block while reading (two string comparisons a record), merged per file and scan.

/** When data was observed: earliest and latest record time, ISO 8601 UTC. */
export interface ObservedWindow {
  first: string;
  last: string;
}

/**
 * The times a window may take: a record time outside them (a clock set to 2099, a zero time) would
 * date the whole scan wrongly, so it is left out of the window and counted instead.
 */
export interface TimeBounds {
  /** Normalised form (24 characters, UTC). */
  notBefore: string;
  notAfter: string;
}

/** '' = no time seen yet. Times are the readers' normalised form (toIsoTime: 24 characters, UTC). */
export interface TimeSpan {
  first: string;
  last: string;
  bounds?: TimeBounds;
  /** Times left out for being outside `bounds`, and the one furthest out. */
  outside?: number;
  outsideExample?: string;
}

export function emptySpan(bounds?: TimeBounds): TimeSpan {
  return bounds ? { first: '', last: '', bounds } : { first: '', last: '' };
}

/** Bounds for data ingested at `now`: from 1990 to a day after `now` (clocks and zones differ). */
export function ingestBounds(now: string): TimeBounds {
  const after = new Date(Date.parse(now) + 86_400_000);
  return { notBefore: '1990-01-01T00:00:00.000Z', notAfter: after.toISOString() };
}

/** Counts a time outside the span's bounds (true) or leaves it to the caller (false). */
export function leftOut(span: TimeSpan, t: string): boolean {
  const b = span.bounds;
  if (!b || (t >= b.notBefore && t <= b.notAfter)) return false;
  span.outside = (span.outside ?? 0) + 1;
  if (furtherOut(t, span.outsideExample, b)) span.outsideExample = t;
  return true;
}

/**
 * Whether `t` is the better example of a time out of bounds than `ex`: any time after the bounds
 * beats any before them; after them the latest, before them the earliest. One order for a record
 * and for a merged span, so the example does not depend on how the records were split in blocks.
 */
function furtherOut(t: string, ex: string | undefined, b: TimeBounds): boolean {
  if (ex === undefined) return true;
  return t > b.notAfter ? t > ex : t < ex && ex < b.notBefore;
}

/** Widens `span` by one record's time; times not in the normalised form (or none) are left out. */
export function addTime(span: TimeSpan, t: string): void {
  // normalised UTC times have one length and compare as text
  if (t.length !== 24 || t.charCodeAt(23) !== 90) return;
  if (span.bounds && leftOut(span, t)) return;
  if (span.first === '' || t < span.first) span.first = t;
  if (t > span.last) span.last = t;
}

/** Widens `span` by another span (its times already checked against the same bounds). */
export function mergeSpan(span: TimeSpan, other: TimeSpan | undefined): void {
  if (!other) return;
  if (other.outside) {
    span.outside = (span.outside ?? 0) + other.outside;
    const ex = other.outsideExample!;
    const b = other.bounds ?? span.bounds;
    if (
      b
        ? furtherOut(ex, span.outsideExample, b)
        : span.outsideExample === undefined || ex > span.outsideExample
    )
      span.outsideExample = ex;
  }
  if (other.first === '') return;
  if (span.first === '' || other.first < span.first) span.first = other.first;
  if (other.last > span.last) span.last = other.last;
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
