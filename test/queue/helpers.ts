// Shared by the distributed-scan tests: a store schema of its own per test file, worker processes
// (through tsx, so no build is needed), and reading shard rows and stored hosts back.
import { spawn, type ChildProcess } from 'node:child_process';
import pg from 'pg';
import { repoRoot } from '../helpers/cli.js';
import { openStore, type Store } from '../../src/store/index.js';

export const pgUrl = process.env.EXCENSUS_TEST_PG;

/** A store URL with a fresh schema (the queue then lives in SCHEMA_boss). */
export function schemaUrl(tag: string, appName?: string): { url: string; schema: string } {
  const schema = `excensus_dist_${tag}_${process.pid}_${Math.random().toString(36).slice(2, 6)}`;
  const sep = pgUrl!.includes('?') ? '&' : '?';
  const app = appName ? `&application_name=${appName}` : '';
  return { url: `${pgUrl}${sep}schema=${schema}${app}`, schema };
}

export async function dropSchemas(...schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  for (const s of schemas) {
    await client.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${s}_boss" CASCADE`);
  }
  await client.end();
}

export async function sql<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as T[];
  } finally {
    await client.end();
  }
}

export interface WorkerProcess {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startWorker(url: string, id: string, extra: string[] = []): WorkerProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', `${repoRoot}src/cli/run.ts`, 'worker', '--db', url, '--id', id, ...extra],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  child.stdout!.resume();
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('exit', (code, signal) => r({ code, signal })),
  );
  return { child, stderr: () => err, exited };
}

export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  ms = 180_000,
  log: () => string = () => '',
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\n${log()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export interface ShardRowView {
  shard: number;
  state: string;
  worker: string | null;
  hosts_done: string;
  attempts: number;
  rate: number;
  error: string | null;
}

export function shardRows(schema: string, scanName: string): Promise<ShardRowView[]> {
  return sql<ShardRowView>(
    `SELECT s.shard, s.state, s.worker, s.hosts_done, s.attempts, s.rate, s.error FROM "${schema}".scan_shards s
     JOIN "${schema}".scans c ON c.id = s.scan_id WHERE c.name = $1 ORDER BY s.shard`,
    [scanName],
  );
}

/** What must agree between a distributed and a single-process scan, host by host. */
export async function hostsOf(store: Store, name: string): Promise<Map<string, string>> {
  const scan = await store.getScan(name);
  if (!scan) throw new Error(`no scan ${name}`);
  const out = new Map<string, string>();
  for await (const h of store.iterateHosts(scan.id)) {
    const r = h.record;
    const key = `${r.ip}:${r.port}`;
    if (out.has(key)) throw new Error(`${key} stored twice`);
    out.set(
      key,
      JSON.stringify([
        r.status,
        r.isExchange,
        r.suspect,
        r.evidence.build ?? null,
        r.classification?.release ?? null,
        r.geo?.country ?? null,
        r.asn?.number ?? null,
      ]),
    );
  }
  return out;
}

export { openStore };
