// A server is one IP address in a scan. Its records on every port are combined into one
// judgement: the record with the most precise build stands for it, it is suspect if any port is,
// and its evidence holds every signal of every port. The store applies the same rule in SQL
// (store/servers-sql.ts); test/store/reference-census.ts holds the two to each other.
import type { HostRecord, HostStatus } from './host-record.js';

/** Order of statuses when no port shows Exchange: the most telling answer stands for the server. */
export const STATUS_RANK: readonly HostStatus[] = [
  'exchange',
  'suspect',
  'not-exchange',
  'protocol-error',
  'tls-error',
  'timeout',
  'refused',
  'unreachable',
  'error',
  'excluded',
];

/** Parts of the build a record's verdict names (4 = security-update level, 3 = CU, 0 = none). */
export function buildParts(r: HostRecord): number {
  const b = r.classification?.build;
  return b ? b.split('.').length : 0;
}

function statusRank(s: HostStatus): number {
  const i = STATUS_RANK.indexOf(s);
  return i < 0 ? STATUS_RANK.length : i;
}

/** Negative when `a` should stand for the server rather than `b`. */
export function compareForServer(a: HostRecord, b: HostRecord): number {
  return (
    Number(b.isExchange || b.suspect) - Number(a.isExchange || a.suspect) ||
    buildParts(b) - buildParts(a) ||
    Number(b.isExchange) - Number(a.isExchange) ||
    statusRank(a.status) - statusRank(b.status) ||
    a.port - b.port
  );
}

export interface ServerRecord extends HostRecord {
  /** The ports its records came from, ascending. */
  ports: number[];
}

/** The server of one address's records (all of one scan, at least one). */
export function combineServer(records: readonly HostRecord[]): ServerRecord {
  if (records.length === 0) throw new TypeError('a server has at least one record');
  // most servers answer on one port: nothing to choose or merge
  if (records.length === 1) return { ...records[0]!, ports: [records[0]!.port] };
  const rep = [...records].sort(compareForServer)[0]!;
  const suspect = records.some((r) => r.suspect);
  const ports = [...new Set(records.map((r) => r.port))].sort((a, b) => a - b);
  const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
  return {
    ...rep,
    status: suspect ? 'suspect' : rep.status,
    isExchange: rep.isExchange && !suspect,
    suspect,
    evidence: {
      ...rep.evidence,
      ...(suspect && rep.evidence.exchange === 'yes' ? { exchange: 'suspect' as const } : {}),
      suspectReasons: unique(records.flatMap((r) => r.evidence.suspectReasons)),
      signals: records.flatMap((r) => r.evidence.signals),
      serverNames: unique(records.flatMap((r) => r.evidence.serverNames)),
    },
    ports,
  };
}

/**
 * Groups records that arrive ordered by address (as Store.iterateHosts gives them) into servers.
 * It takes the records over: a server of one record is that record with its `ports` set, not a
 * copy (copying every record cost diff and notify ~2 us each).
 */
export async function* serversOf(
  records: AsyncIterable<HostRecord> | Iterable<HostRecord>,
): AsyncGenerator<ServerRecord> {
  let ip: string | null = null;
  let group: HostRecord[] = [];
  const server = (g: HostRecord[]): ServerRecord =>
    g.length === 1 ? Object.assign(g[0]!, { ports: [g[0]!.port] }) : combineServer(g);
  for await (const r of records) {
    if (r.ip !== ip && group.length > 0) {
      yield server(group);
      group = [];
    }
    ip = r.ip;
    group.push(r);
  }
  if (group.length > 0) yield server(group);
}
