// Query parameters of pages and API calls, checked at the edge: a bad one is a 400 with a
// message naming it, never a 500. The same names serve every view, so a URL carries its filters.
import type { CensusFilter, GroupKey, HostKind, HostSortKey, ViewQuery } from '../run/index.js';
import { GROUP_KEYS, HOST_SORT_KEYS, parseFilter, splitList } from '../run/index.js';
import { UsageError } from '../core/errors.js';

export class BadRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadRequest';
  }
}

/** Every parameter any view reads; others are refused (a typo should not silently show everything). */
export const KNOWN_PARAMS = new Set([
  'scan',
  'as_of',
  'product',
  'eol',
  'family',
  'verdict',
  'country',
  'continent',
  'asn',
  'status',
  'by',
  'kind',
  'sort',
  'limit',
  'offset',
  'ip',
  'port',
  'a',
  'b',
  'format',
  'all',
]);

export const FILTER_PARAMS = ['product', 'eol', 'family', 'verdict', 'country', 'continent', 'asn', 'status'];

export const MAX_LIMIT = 500;
const MAX_VALUE = 2000;

export function checkParams(p: URLSearchParams): void {
  for (const [k, v] of p) {
    if (!KNOWN_PARAMS.has(k)) throw new BadRequest(`unknown parameter "${k.slice(0, 40)}"`);
    if (v.length > MAX_VALUE) throw new BadRequest(`parameter "${k}" is too long`);
  }
}

function one(p: URLSearchParams, name: string): string | undefined {
  const all = p.getAll(name).filter((v) => v !== '');
  if (all.length > 1) throw new BadRequest(`parameter "${name}" given more than once`);
  return all[0];
}

function flag(p: URLSearchParams, name: string): boolean {
  const v = one(p, name);
  if (v === undefined) return false;
  if (/^(1|true|yes|on)$/i.test(v)) return true;
  if (/^(0|false|no|off)$/i.test(v)) return false;
  throw new BadRequest(`parameter "${name}" takes 1 or 0, got "${v.slice(0, 40)}"`);
}

export function intParam(p: URLSearchParams, name: string, dflt: number, min: number, max: number): number {
  const v = one(p, name);
  if (v === undefined) return dflt;
  if (!/^\d{1,9}$/.test(v) || Number(v) < min || Number(v) > max)
    throw new BadRequest(`parameter "${name}" takes a whole number from ${min} to ${max}`);
  return Number(v);
}

/** Runs a parser that throws UsageError (shared with the CLI) and re-words its flag names as parameters. */
function asParams<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof UsageError) throw new BadRequest(err.message.replace(/--([a-z-]+)/g, '$1'));
    throw err;
  }
}

export function parseAsOfParam(p: URLSearchParams, today: string): string {
  const v = one(p, 'as_of');
  if (v === undefined) return today;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    throw new BadRequest('parameter "as_of" takes a date YYYY-MM-DD');
  return v;
}

export function parseFilterParams(p: URLSearchParams): CensusFilter {
  return asParams(() =>
    parseFilter({
      product: p.getAll('product'),
      family: p.getAll('family'),
      country: p.getAll('country'),
      continent: p.getAll('continent'),
      asn: p.getAll('asn'),
      status: p.getAll('status'),
      eol: flag(p, 'eol'),
    }),
  );
}

export function parseView(p: URLSearchParams, today: string): ViewQuery {
  checkParams(p);
  const scan = one(p, 'scan');
  return {
    ...(scan !== undefined ? { scan } : {}),
    asOf: parseAsOfParam(p, today),
    filter: parseFilterParams(p),
  };
}

export function parseGroupByParam(p: URLSearchParams): GroupKey[] {
  const by = splitList(p.getAll('by'));
  for (const k of by)
    if (!GROUP_KEYS.includes(k as GroupKey))
      throw new BadRequest(
        `parameter "by": unknown key "${k.slice(0, 40)}" (one of ${GROUP_KEYS.join(', ')})`,
      );
  return [...new Set(by)] as GroupKey[];
}

export function parseKind(p: URLSearchParams): HostKind {
  const v = one(p, 'kind') ?? 'exchange';
  if (v !== 'exchange' && v !== 'all') throw new BadRequest('parameter "kind" takes exchange or all');
  return v;
}

export function parseVerdict(p: URLSearchParams): 'vulnerable' | 'likely' | undefined {
  const v = one(p, 'verdict');
  if (v === undefined) return undefined;
  if (v !== 'vulnerable' && v !== 'likely')
    throw new BadRequest('parameter "verdict" takes vulnerable or likely');
  return v;
}

/** "country" or "-country" (descending). */
export function parseSort(p: URLSearchParams): { sort: HostSortKey; desc: boolean } {
  const v = one(p, 'sort') ?? 'ip';
  const desc = v.startsWith('-');
  const key = (desc ? v.slice(1) : v) as HostSortKey;
  if (!HOST_SORT_KEYS.includes(key))
    throw new BadRequest(`parameter "sort" takes one of ${HOST_SORT_KEYS.join(', ')} (prefix - to reverse)`);
  return { sort: key, desc };
}

export function requiredParam(p: URLSearchParams, name: string): string {
  const v = one(p, name);
  if (v === undefined) throw new BadRequest(`parameter "${name}" is required`);
  return v;
}

export function optionalParam(p: URLSearchParams, name: string): string | undefined {
  return one(p, name);
}

export function flagParam(p: URLSearchParams, name: string): boolean {
  return flag(p, name);
}
