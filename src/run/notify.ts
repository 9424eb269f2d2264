// notifyOwners: one CSV + Markdown bundle per network owner (AS, country or CIDR block) of a scan.
import { readFileSync } from 'node:fs';
import { ConfigError, fileErrorReason } from '../core/errors.js';
import { GEO_ATTRIBUTION } from '../geo/index.js';
import type { Store } from '../store/index.js';
import { resolveScan } from '../report/census-source.js';
import { incompleteNote } from '../report/scan-view.js';
import { parseCidrFile, type CidrBlock } from '../report/cidr.js';
import { writeBundles, type NotifyBy, type NotifyResult } from '../report/notify.js';

export type { NotifyBy, NotifyResult } from '../report/notify.js';
export const NOTIFY_BY: NotifyBy[] = ['asn', 'country', 'cidr-file'];

export interface NotifyOwnersOptions {
  by: NotifyBy;
  outDir: string;
  /** Scan id or name; default: the latest. */
  scan?: string;
  asOf: string;
  /** With by 'cidr-file': lines of "CIDR[,owner]". */
  cidrFile?: string;
  /** Include Exchange hosts with no finding. */
  all: boolean;
}

export interface NotifyHooks {
  /** A line of the CIDR file that was skipped, and why. */
  onBadLine?: (file: string, line: number, message: string) => void;
}

export async function notifyOwners(
  store: Store,
  o: NotifyOwnersOptions,
  hooks: NotifyHooks = {},
): Promise<NotifyResult & { scanName: string; partial?: string }> {
  const cidrs = o.by === 'cidr-file' && o.cidrFile ? readCidrs(o.cidrFile, hooks) : undefined;
  const scan = await resolveScan(store, o.scan, { refuseEmpty: true });
  const partial = incompleteNote(scan);
  const res = await writeBundles(store, scan.id, {
    by: o.by,
    outDir: o.outDir,
    asOf: o.asOf,
    all: o.all,
    attribution: GEO_ATTRIBUTION,
    scanName: scan.name,
    ...(partial ? { partial } : {}),
    ...(cidrs ? { cidrs } : {}),
  });
  return { ...res, scanName: scan.name, ...(partial ? { partial } : {}) };
}

function readCidrs(path: string, hooks: NotifyHooks): CidrBlock[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError('E_CIDR_FILE', `cannot read ${path}: ${fileErrorReason(err)}`, { cause: err });
  }
  const parsed = parseCidrFile(text);
  for (const e of parsed.errors) hooks.onBadLine?.(path, e.line, e.message);
  return parsed.blocks;
}
