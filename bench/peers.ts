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
