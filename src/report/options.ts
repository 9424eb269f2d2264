// Parses report/notify filter flags into a CensusFilter (usage errors exit 2).
import { UsageError } from '../core/errors.js';
import { didYouMean } from '../core/suggest.js';
import { joinList } from '../core/text.js';
import type { CensusFilter, GroupKey } from '../store/store.js';
import { continentCode } from './names.js';

export const GROUP_KEYS: GroupKey[] = [
  'continent',
  'country',
  'asn',
  'product',
  'release',
  'eol',
  'family',
  'status',
  'port',
  'fronted',
  'windows',
];

/** "a,b" and repeated flags both give lists. */
export function splitList(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function parseGroupBy(values: string[]): GroupKey[] {
  const keys = splitList(values);
  for (const k of keys)
    if (!GROUP_KEYS.includes(k as GroupKey))
      throw new UsageError(
        `--by: unknown key "${k}"${didYouMean(k, GROUP_KEYS)} (one of ${joinList(GROUP_KEYS)})`,
      );
  return [...new Set(keys)] as GroupKey[];
}

export interface FilterFlags {
  product: string[];
  family: string[];
  country: string[];
  continent: string[];
  asn: string[];
  status: string[];
  eol: boolean;
}

export function parseFilter(f: FilterFlags): CensusFilter {
  const out: CensusFilter = {};
  const product = splitList(f.product);
  if (product.length) out.product = product;
  const family = splitList(f.family);
  if (family.length) out.family = family;
  const country = splitList(f.country).map((c) => c.toUpperCase());
  for (const c of country)
    if (!/^[A-Z]{2}$/.test(c))
      throw new UsageError(`--country takes ISO 3166 alpha-2 codes (e.g. DE), got "${c}"`);
  if (country.length) out.country = country;
  const continent = splitList(f.continent).map((c) => {
    const code = continentCode(c);
    if (!code)
      throw new UsageError(`--continent: unknown continent "${c}" (a code like EU or a name like Europe)`);
    return code;
  });
  if (continent.length) out.continent = continent;
  const asn = splitList(f.asn).map((a) => {
    const m = /^(?:AS)?(\d+)$/i.exec(a);
    if (!m) throw new UsageError(`--asn takes AS numbers (e.g. 3320 or AS3320), got "${a}"`);
    return Number(m[1]);
  });
  if (asn.length) out.asn = asn;
  const status = splitList(f.status);
  if (status.length) out.status = status;
  if (f.eol) out.eol = true;
  return out;
}
