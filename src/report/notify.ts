// Per-network bundles: for each owner (AS, country or CIDR block) a CSV of its hosts with
// ShadowServer-compatible columns and a short Markdown summary — what a CERT sends out.
import { appendFileSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HostRecord } from '../core/host-record.js';
import { writeFileAtomic } from '../core/output-file.js';
import { exchangeServers } from './exchange-servers.js';
import { NOT_ASSESSED, productAssessed } from './assessed.js';
import type { Store } from '../store/store.js';
import { familiesWith, isPastEol, openFamilies } from './aggregate.js';
import { findBlock, type CidrBlock } from './cidr.js';
import { csvLine } from './csv.js';
import { HOSTS_CSV_HEADER, hostCsvLine } from './hosts-csv.js';
import { sortByAddress } from '../core/ip.js';
import { joinList } from '../core/text.js';
import { countryLabel } from './names.js';
import { mdText } from './md-text.js';
import { slug, UniqueNames } from './safe-name.js';
import { windowsSupportEnded } from '../kb/index.js';

export type NotifyBy = 'asn' | 'country' | 'cidr-file';

export interface NotifyOptions {
  by: NotifyBy;
  outDir: string;
  asOf: string;
  cidrs?: CidrBlock[];
  /** Include Exchange hosts with no finding (supported, nothing open). */
  all: boolean;
  attribution: string;
  scanName: string;
  /** Only the hosts of these networks (the dashboard exports one network's bundle). */
  asn?: number[];
  /** Set for a scan that is not complete: why its lists are partial. */
  partial?: string;
}

interface Owner {
  title: string;
  file: string;
  hosts: number;
  eol: number;
  vulnerable: Map<string, number>;
  /** Servers of a product whose CVEs are not assessed (their "none" would mean nothing). */
  notAssessed: number;
  pending: string[];
  /** Whether the CSV file exists yet (written on first flush: one file operation for small owners). */
  created: boolean;
  /** Markdown host lines, up to MD_HOSTS, with the host key they are sorted by. */
  listed: Array<{ key: string; line: string }>;
}

const MD_HOSTS = 200;
const FLUSH_LINES = 500;

export { mdText };

export function hasFinding(r: HostRecord, asOf: string): boolean {
  return isPastEol(r, asOf) || openFamilies(r).size > 0;
}

/** One line saying what is wrong with a host. */
export function findingOf(r: HostRecord, asOf: string): string {
  const c = r.classification;
  const parts = [
    `${c?.release ?? c?.product ?? 'Exchange (build unknown)'}${c?.build ? ` (${c.build})` : ''}`,
  ];
  if (isPastEol(r, asOf)) parts.push(`past end of support since ${c?.eolDate ?? '?'}`);
  const vuln = (c?.vulns ?? []).filter((v) => v.status === 'vulnerable');
  const likely = (c?.vulns ?? []).filter((v) => v.status === 'likely');
  if (vuln.length) parts.push(`vulnerable: ${joinList(vuln.map((v) => `${v.family} ${v.cve}`))}`);
  if (likely.length) parts.push(`likely vulnerable: ${joinList(likely.map((v) => `${v.family} ${v.cve}`))}`);
  if (c && !productAssessed(c.product))
    parts.push(`CVEs ${NOT_ASSESSED} (no CVE record covers ${c.product})`);
  return parts.join('; ');
}

function ownerOf(r: HostRecord, o: NotifyOptions): { key: string; title: string; base: string } {
  if (o.by === 'asn') {
    if (!r.asn) return { key: 'none', title: 'Unknown network (no AS number)', base: 'AS-unknown' };
    const org = r.asn.org ?? '';
    return {
      key: String(r.asn.number),
      title: `AS${r.asn.number}${org ? ` ${org}` : ''}`,
      base: `AS${r.asn.number}${org ? `-${slug(org)}` : ''}`,
    };
  }
  if (o.by === 'country') {
    const cc = r.geo?.country;
    if (!cc || !/^[A-Za-z]{2}$/.test(cc))
      return { key: 'none', title: 'Unknown country', base: 'country-unknown' };
    return {
      key: cc.toUpperCase(),
      title: `${cc.toUpperCase()} ${countryLabel(cc) ?? ''}`.trim(),
      base: `${cc.toUpperCase()}-${slug(countryLabel(cc) ?? cc)}`,
    };
  }
  const block = findBlock(o.cidrs ?? [], r.ip);
  if (!block) return { key: 'none', title: 'Outside every listed block', base: 'cidr-unmatched' };
  return {
    key: block.cidr,
    title: `${block.cidr}${block.owner ? ` ${block.owner}` : ''}`,
    base: `${slug(block.cidr.replace('/', '_'))}${block.owner ? `-${slug(block.owner)}` : ''}`,
  };
}

/** A CSV grows in a temporary file, renamed to its name once complete (see writeFileAtomic). */
function partialCsv(dir: string, owner: Owner): string {
  return join(dir, `.${owner.file}.csv.${process.pid}.tmp`);
}

function flush(dir: string, owner: Owner): void {
  if (owner.pending.length === 0) return;
  const path = partialCsv(dir, owner);
  if (owner.created) appendFileSync(path, owner.pending.join(''));
  else writeFileSync(path, owner.pending.join(''));
  owner.created = true;
  owner.pending = [];
}

function summaryMarkdown(owner: Owner, o: NotifyOptions): string {
  const fam = [...owner.vulnerable.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([f, n]) => `${mdText(f)}: ${n}`);
  const lines = [
    `# Exchange servers needing attention: ${mdText(owner.title)}`,
    '',
    `Scan ${mdText(o.scanName)}, end of support judged as of ${o.asOf} (CVE verdicts as the scan was stored).`,
    ...(o.partial ? ['', `Note: ${mdText(o.partial)}.`] : []),
    '',
    `- Servers listed (one per address): ${owner.hosts}`,
    `- Past end of support: ${owner.eol}`,
    `- Vulnerable, by CVE family: ${fam.length ? joinList(fam) : owner.notAssessed === owner.hosts ? NOT_ASSESSED : 'none'}`,
    ...(owner.notAssessed > 0 && owner.notAssessed < owner.hosts
      ? [`- CVEs ${NOT_ASSESSED} (products with no CVE record): ${owner.notAssessed}`]
      : []),
    '',
    '## Hosts',
    '',
    ...sortByAddress(owner.listed, (l) => l.key).map((l) => l.line),
  ];
  if (owner.hosts > owner.listed.length)
    lines.push(`- ... and ${owner.hosts - owner.listed.length} more in ${owner.file}.csv`);
  lines.push(
    '',
    `Full list with ShadowServer-compatible columns: ${owner.file}.csv`,
    '',
    `_${mdText(o.attribution)}_`,
    '',
  );
  return lines.join('\n');
}

export interface NotifyResult {
  owners: number;
  hosts: number;
  skipped: number;
  files: string[];
}

export async function writeBundles(store: Store, scanId: number, o: NotifyOptions): Promise<NotifyResult> {
  mkdirSync(o.outDir, { recursive: true });
  const owners = new Map<string, Owner>();
  const names = new UniqueNames();
  names.take('index');
  let hosts = 0;
  let skipped = 0;
  for await (const r of exchangeServers(store, scanId, o.asn ? { asn: o.asn } : {})) {
    if (!o.all && !hasFinding(r, o.asOf)) {
      skipped++;
      continue;
    }
    const who = ownerOf(r, o);
    let owner = owners.get(who.key);
    if (!owner) {
      owner = {
        title: who.title,
        file: names.take(who.base),
        hosts: 0,
        eol: 0,
        vulnerable: new Map(),
        notAssessed: 0,
        pending: [HOSTS_CSV_HEADER],
        created: false,
        listed: [],
      };
      owners.set(who.key, owner);
    }
    owner.hosts++;
    hosts++;
    if (isPastEol(r, o.asOf)) owner.eol++;
    if (!productAssessed(r.classification?.product)) owner.notAssessed++;
    for (const f of familiesWith(r, 'vulnerable'))
      owner.vulnerable.set(f, (owner.vulnerable.get(f) ?? 0) + 1);
    owner.pending.push(hostCsvLine(r, o.asOf));
    if (owner.listed.length < MD_HOSTS) {
      // Owners find their server faster by its internal name (NTLM host info): bundles only.
      const internal = r.evidence.ntlm?.dnsComputer ?? r.evidence.ntlm?.netbiosComputer;
      const names = [r.hostname, internal].filter((n): n is string => Boolean(n));
      const name = names.length ? ` (${mdText(names.join(', '))})` : '';
      const w = r.windows;
      const windows =
        w && windowsSupportEnded(w.endOfSupport, o.asOf)
          ? ` Runs ${mdText(w.product ?? w.version)}, whose support ended on ${w.endOfSupport}.`
          : '';
      const addr = r.ip.includes(':') ? `[${r.ip}]` : r.ip;
      const key = r.ports.length > 1 ? `${addr} (ports ${r.ports.join(', ')})` : `${addr}:${r.port}`;
      owner.listed.push({
        key,
        line: `- ${mdText(key)}${name}: ${mdText(findingOf(r, o.asOf))}.${windows} Remediation: ${mdText(r.classification?.recommendation ?? 'identify the build and update it')}`,
      });
    }
    if (owner.pending.length >= FLUSH_LINES) flush(o.outDir, owner);
  }
  const files: string[] = [];
  let index = csvLine(['owner', 'file', 'hosts', 'eol', 'vulnerable']);
  for (const owner of [...owners.values()].sort(
    (a, b) => b.hosts - a.hosts || a.file.localeCompare(b.file),
  )) {
    flush(o.outDir, owner);
    renameSync(partialCsv(o.outDir, owner), join(o.outDir, `${owner.file}.csv`));
    writeFileAtomic(join(o.outDir, `${owner.file}.md`), summaryMarkdown(owner, o));
    files.push(`${owner.file}.csv`, `${owner.file}.md`);
    index += csvLine([
      owner.title,
      owner.file,
      owner.hosts,
      owner.eol,
      [...owner.vulnerable.entries()].map(([f, n]) => `${f}=${n}`).join(' '),
    ]);
  }
  writeFileAtomic(join(o.outDir, 'index.csv'), index);
  return { owners: owners.size, hosts, skipped, files };
}
