// Helpers shared by readers: raw HTTP header text, header maps, times, numbers, names.

const STATUS_LINE = /^HTTP\/\d(?:\.\d)?\s+(\d{3})/;

/**
 * Parses "HTTP/1.1 200 OK\r\nName: value\r\n..." into status and headers; null if not HTTP.
 * Lines end at "\n" or "\r\n"; the head ends at the first empty line. Read by index, not by
 * split and regex (it runs for every Shodan record).
 */
export function parseRawHttp(
  text: string,
): { status: number; headers: Array<[string, string]>; body?: string } | null {
  if (!text.startsWith('HTTP/')) return null;
  const n = text.length;
  // the head's end: the first "\n" followed by an optional "\r" and another "\n" (found as the
  // lines are walked: each "\n" is searched for once)
  let headEnd = -1;
  let restAt = n;
  let stop = n;
  const headers: Array<[string, string]> = [];
  let status = 0;
  // the first colon at or after `at`, kept across lines: searching afresh on each colon-less line
  // would scan to the next colon anywhere (the body, or the end) once per line
  let colon = -1;
  for (let at = 0, first = true; at <= stop; first = false) {
    let nl = text.indexOf('\n', at);
    if (headEnd < 0 && nl >= 0) {
      const next = text.charCodeAt(nl + 1);
      const crlf = next === 13 && text.charCodeAt(nl + 2) === 10;
      if (next === 10 || crlf) {
        headEnd = nl > 0 && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        restAt = nl + (crlf ? 3 : 2);
        stop = headEnd;
      }
    }
    if (nl < 0 || nl > stop) nl = stop;
    const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    if (first) {
      status = statusOf(text, end);
    } else {
      if (colon < at) {
        colon = text.indexOf(':', at);
        if (colon < 0) colon = n;
      }
      if (colon > at && colon < end) headers.push([trimmed(text, at, colon), trimmed(text, colon + 1, end)]);
    }
    at = nl + 1;
  }
  const rest = headEnd >= 0 ? text.slice(restAt) : '';
  return rest ? { status, headers, body: rest } : { status, headers };
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;

/** The status of the status line text[0, end) ("HTTP/1.1 200 OK"), 0 if none: the common form
 * read by hand, any other by STATUS_LINE. */
function statusOf(text: string, end: number): number {
  if (
    end >= 12 &&
    isDigit(text.charCodeAt(5)) &&
    text.charCodeAt(6) === 46 &&
    isDigit(text.charCodeAt(7)) &&
    text.charCodeAt(8) === 32 &&
    isDigit(text.charCodeAt(9)) &&
    isDigit(text.charCodeAt(10)) &&
    isDigit(text.charCodeAt(11))
  )
    return (text.charCodeAt(9) - 48) * 100 + (text.charCodeAt(10) - 48) * 10 + text.charCodeAt(11) - 48;
  const m = STATUS_LINE.exec(text.slice(0, end));
  return m ? Number(m[1]) : 0;
}

/** text.slice(start, end).trim(), without the second string when the ends are plainly no white space. */
function trimmed(text: string, start: number, end: number): string {
  while (start < end && text.charCodeAt(start) === 32) start++;
  const v = text.slice(start, end);
  if (v.length === 0) return v;
  const a = v.charCodeAt(0);
  const z = v.charCodeAt(v.length - 1);
  return a > 32 && a < 127 && z > 32 && z < 127 ? v : v.trim();
}

/** Header object whose values are strings or string arrays -> ordered pairs; `rename` maps wire names. */
export function headerPairs(
  obj: unknown,
  rename: (name: string) => string = (n) => n,
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!obj || typeof obj !== 'object') return out;
  for (const [k, v] of Object.entries(obj as Record<string, unknown>)) {
    if (k.startsWith('_')) continue; // _encoding and similar metadata
    for (const val of Array.isArray(v) ? v : [v]) {
      if (typeof val === 'string' || typeof val === 'number') out.push([rename(k), String(val)]);
    }
  }
  return out;
}

// Shodan's zone-less form (2021-08-16T20:42:40.325940), handled without Date: it is per record.
const NAIVE_UTC =
  /^(\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:[0-5]\d)(?:\.(\d{1,9}))?Z?$/;

/**
 * Normalises a source timestamp to ISO 8601 UTC; sources without a zone mean UTC. No time gives
 * ''; a time that cannot be read comes back as its text, which checkObservation (core/values.ts)
 * reports: it never silently becomes another time.
 */
export function toIsoTime(v: unknown): string {
  if (typeof v === 'string') {
    const fast = naiveUtc(v);
    if (fast !== undefined) return fast;
    const m = NAIVE_UTC.exec(v);
    if (m && Number(m[3]) <= 28) return `${m[1]}.${((m[5] ?? '') + '000').slice(0, 3)}Z`;
  }
  if (typeof v === 'number' || (typeof v === 'string' && /^\d{9,11}(\.\d+)?$/.test(v))) {
    const d = new Date(Number(v) * 1000);
    return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
  }
  if (v === undefined || v === null || v === '') return '';
  if (typeof v !== 'string') return JSON.stringify(v);
  let s = v.trim().replace(' ', 'T');
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(s)) s += 'Z';
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? v : d.toISOString();
}

/** The value of the digit at v[i] (outside 0-9 if there is none). */
const digitOf = (v: string, i: number): number => v.charCodeAt(i) - 48;
const digitAt = (v: string, i: number): boolean => {
  const c = v.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/** What toIsoTime gives a NAIVE_UTC time of a day up to 28, read by hand (Shodan's form, per
 * record); undefined for anything else (toIsoTime then reads it as before). */
function naiveUtc(v: string): string | undefined {
  const n = v.length;
  if (n < 19 || n > 31) return undefined;
  const month = digitOf(v, 5) * 10 + digitOf(v, 6);
  const day = digitOf(v, 8) * 10 + digitOf(v, 9);
  const hour = digitOf(v, 11) * 10 + digitOf(v, 12);
  if (
    !(digitAt(v, 0) && digitAt(v, 1) && digitAt(v, 2) && digitAt(v, 3)) ||
    v.charCodeAt(4) !== 45 ||
    !(digitAt(v, 5) && digitAt(v, 6) && month >= 1 && month <= 12) ||
    v.charCodeAt(7) !== 45 ||
    !(digitAt(v, 8) && digitAt(v, 9) && day >= 1 && day <= 28) ||
    v.charCodeAt(10) !== 84 ||
    !(digitAt(v, 11) && digitAt(v, 12) && hour <= 23) ||
    v.charCodeAt(13) !== 58 ||
    !(digitOf(v, 14) >= 0 && digitOf(v, 14) <= 5 && digitAt(v, 15)) ||
    v.charCodeAt(16) !== 58 ||
    !(digitOf(v, 17) >= 0 && digitOf(v, 17) <= 5 && digitAt(v, 18))
  )
    return undefined;
  let i = 19;
  let frac = '';
  if (i < n && v.charCodeAt(i) === 46) {
    let j = i + 1;
    while (j < n && digitAt(v, j)) j++;
    if (j === i + 1 || j - i - 1 > 9) return undefined;
    frac = v.slice(i + 1, Math.min(j, i + 4));
    i = j;
  }
  if (i < n && v.charCodeAt(i) === 90) i++;
  if (i !== n) return undefined;
  return `${v.slice(0, 19)}.${(frac + '000').slice(0, 3)}Z`;
}

export function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+$/.test(v.trim())) return Number(v);
  return undefined;
}

export function asString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function asObject(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** "AS36459", "36459" or 36459 -> 36459. */
export function parseAsn(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string') {
    const m = /^(?:AS)?(\d+)$/i.exec(v.trim());
    if (m) return Number(m[1]);
  }
  return undefined;
}

const CONTINENT_CODES: Record<string, string> = {
  africa: 'AF',
  antarctica: 'AN',
  asia: 'AS',
  europe: 'EU',
  'north america': 'NA',
  oceania: 'OC',
  'south america': 'SA',
  australia: 'OC',
};

/** Continent name or code -> two-letter code. */
export function continentCode(v: unknown): string | undefined {
  if (typeof v !== 'string' || !v) return undefined;
  if (/^(AF|AN|AS|EU|NA|OC|SA)$/.test(v)) return v;
  return CONTINENT_CODES[v.toLowerCase()];
}

/** Path of a URL or a bare path ("" when unknown). */
export function urlPath(v: unknown): string {
  if (typeof v !== 'string' || v === '') return '';
  if (v.startsWith('/')) return v;
  try {
    const u = new URL(v);
    return u.pathname + u.search;
  } catch {
    return '';
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
export function looksLikeIp(v: string): boolean {
  return IPV4.test(v) || (v.includes(':') && /^[0-9a-fA-F:.]+$/.test(v));
}

export function validPort(p: number | undefined): p is number {
  return p !== undefined && Number.isInteger(p) && p >= 0 && p <= 65535;
}
