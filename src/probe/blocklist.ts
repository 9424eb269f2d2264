// The always-on IANA special-purpose blocklist (data/blocklist.txt) and user exclusion files.
import { readFileSync } from 'node:fs';
import { ConfigError, DataError, fileErrorReason } from '../core/errors.js';
import { AddressRanges, parseRange, type ParsedRange } from './address-ranges.js';
import { dataPath } from '../core/data-dir.js';

export interface RangeListError {
  line: number;
  text: string;
}

/** One range per line; "#" starts a comment; blank lines are ignored. Bad lines are returned, not dropped. */
export function parseRangeList(text: string): {
  ranges: AddressRanges;
  errors: RangeListError[];
  count: number;
} {
  const ranges = new AddressRanges();
  const errors: RangeListError[] = [];
  let count = 0;
  text.split(/\r?\n/).forEach((raw, i) => {
    const body = raw.replace(/#.*$/, '').trim();
    if (body === '') return;
    const r = parseRange(body);
    if (r) {
      ranges.add(r);
      count++;
    } else errors.push({ line: i + 1, text: raw.trim() });
  });
  return { ranges, errors, count };
}

let cached: AddressRanges | undefined;

export function loadBlocklist(): AddressRanges {
  if (cached) return cached;
  const path = dataPath('blocklist.txt');
  const { ranges, errors, count } = parseRangeList(readFileSync(path, 'utf8'));
  if (errors.length > 0 || count === 0) {
    throw new DataError(
      `${path}: ${errors.map((e) => `line ${e.line}: "${e.text}"`).join('; ') || 'no ranges'}`,
    );
  }
  cached = ranges;
  return ranges;
}

/** A user exclusion file; any malformed line stops the scan (a typo must not un-exclude a network). */
export function loadExcludeFile(path: string): AddressRanges {
  return parseExcludeList(path, readExcludeFile(path));
}

export function readExcludeFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('E_EXCLUDE_FILE', `cannot read exclusion file ${path}: ${fileErrorReason(err)}`, {
      cause: err,
    });
  }
}

/** An exclusion list's text (a file's, or as a distributed scan carries it to its workers). */
export function parseExcludeList(name: string, text: string): AddressRanges {
  const { ranges, errors } = parseRangeList(text);
  if (errors.length > 0) {
    const shown = errors
      .slice(0, 10)
      .map((e) => `line ${e.line}: "${e.text}"`)
      .join('; ');
    throw new ConfigError('E_EXCLUDE_FILE', `${name}: ${errors.length} malformed line(s): ${shown}`);
  }
  return ranges;
}

export const LOOPBACK: readonly ParsedRange[] = [
  parseRange('127.0.0.0/8') as ParsedRange,
  parseRange('::1/128') as ParsedRange,
];

/** True when the whole range lies in loopback: the one exception the blocklist makes (for the lab). */
export function insideLoopback(r: ParsedRange): boolean {
  return LOOPBACK.some((l) => l.family === r.family && r.start >= l.start && r.end <= l.end);
}
