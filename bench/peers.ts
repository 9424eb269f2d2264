// Peer tools the benchmarks compare against, installed on demand (never needed by tests or CI):
// jq and nmap from Debian packages, DuckDB's Node binding from the npm registry into bench/.peers.
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const peersDir = fileURLToPath(new URL('./.peers/', import.meta.url));

export function haveCommand(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

/** Installs a Debian package if its command is missing; returns whether the command is there. */
export function ensureApt(command: string, pkg = command): boolean {
  if (haveCommand(command)) return true;
  process.stderr.write(`bench: installing ${pkg} (apt-get) for the side-by-side run...\n`);
  spawnSync(
    'sh',
    [
      '-c',
      `apt-get update -qq >/dev/null 2>&1; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ${pkg} >/dev/null 2>&1`,
    ],
    { stdio: 'inherit' },
  );
  return haveCommand(command);
}

/** Loads @duckdb/node-api from node_modules, or installs it into bench/.peers first. */
/** The slice of @duckdb/node-api the benchmarks use (typed here: the package is not a project dependency). */
export interface DuckDbModule {
  DuckDBInstance: {
    create(
      path: string,
      opts?: Record<string, string>,
    ): Promise<{ connect(): Promise<{ runAndReadAll(sql: string): Promise<{ getRows(): unknown[][] }> }> }>;
  };
}

const duckName = '@duckdb/node-api';

export async function loadDuckDb(): Promise<DuckDbModule | null> {
  try {
    return (await import(duckName)) as DuckDbModule;
  } catch {
    // not installed in the project: fall through to bench/.peers
  }
  const req = createRequire(peersDir);
  if (!existsSync(`${peersDir}node_modules/@duckdb/node-api`)) {
    process.stderr.write(
      'bench: installing @duckdb/node-api into bench/.peers for the side-by-side run...\n',
    );
    mkdirSync(peersDir, { recursive: true });
    try {
      execFileSync(
        'npm',
        ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', peersDir, '@duckdb/node-api'],
        { stdio: 'ignore' },
      );
    } catch {
      return null;
    }
  }
  try {
    return (await import(req.resolve(duckName))) as DuckDbModule;
  } catch {
    return null;
  }
}

/** The bench task a peer runs: records per country and a histogram of X-OWA-Version builds. */
export interface PeerCounts {
  ms: number;
  countries: Record<string, number>;
  builds: Record<string, number>;
}

/** The bench task in jq (one process, streaming); null when jq is missing or fails. */
export function runJq(file: string): PeerCounts | null {
  if (!ensureApt('jq')) return null;
  const prog =
    'reduce inputs as $r ({c: {}, b: {}}; .c[$r.location.country_code // ""] += 1 | ((($r.data // "") | capture("X-OWA-Version: (?<v>[0-9.]+)")? | .v) // null) as $v | if $v then .b[$v] += 1 else . end)';
  const t0 = performance.now();
  const jq = spawnSync('jq', ['-n', '-c', prog, file], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const ms = performance.now() - t0;
  if (jq.status !== 0) {
    process.stderr.write(`bench: jq failed: ${jq.stderr}\n`);
    return null;
  }
  const o = JSON.parse(jq.stdout) as { c: Record<string, number>; b: Record<string, number> };
  return { ms, countries: o.c, builds: o.b };
}

/**
 * How DuckDB learns the file's columns: `declared` names the two it needs (the fastest query an
 * expert writes); `detected` lets read_json_auto infer every column from the data, the query a new
 * user writes (issue 18's own DuckDB figures, 0.76-0.88 s on its 250 MB files, were taken this way).
 */
export type DuckDbSchema = 'declared' | 'detected';

/** The bench task in DuckDB (2 threads, in memory); null when DuckDB cannot be loaded. */
export async function runDuckDb(file: string, schema: DuckDbSchema = 'declared'): Promise<PeerCounts | null> {
  const duck = await loadDuckDb();
  if (!duck) return null;
  const db = await duck.DuckDBInstance.create(':memory:', { threads: '2' });
  const con = await db.connect();
  const t0 = performance.now();
  const path = file.replace(/'/g, "''");
  const from =
    schema === 'declared'
      ? `read_json('${path}', format = 'newline_delimited', columns = {location: 'STRUCT(country_code VARCHAR)', data: 'VARCHAR'}, maximum_object_size = 16777216)`
      : `read_json_auto('${path}', maximum_object_size = 16777216)`;
  const sql = `SELECT location.country_code AS c, regexp_extract(data, 'X-OWA-Version: ([0-9.]+)', 1) AS b, count(*) AS n
    FROM ${from} GROUP BY ALL`;
  const rows = (await con.runAndReadAll(sql)).getRows();
  const ms = performance.now() - t0;
  const countries: Record<string, number> = {};
  const builds: Record<string, number> = {};
  for (const [c, b, n] of rows) {
    countries[String(c ?? '')] = (countries[String(c ?? '')] ?? 0) + Number(n);
    if (b) builds[String(b)] = (builds[String(b)] ?? 0) + Number(n);
  }
  return { ms, countries, builds };
}
