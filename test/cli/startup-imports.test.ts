// Start-up cost of the commands the Exchange-heavy benchmark runs (issue 18): `ingest` and `report`
// load the use cases they call, not the whole run/ barrel, whose distributed queue (pg, pg-boss) and
// other use cases every process paid for before reading a record (docs/measurements.md).
// `ingest --queue` still loads the queue when it is used. Nor do they load zod or yaml (the bundled
// data files are checked by digest, data/checked.generated.json, and so is a KB `kb update`
// installed, by the record it wrote beside it): those load as ESM, so the built
// CLI runs with a resolve hook that logs every module (test/helpers/import-log.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot } from '../helpers/cli.js';

const run = promisify(execFile);

/** The CommonJS packages a fresh process holds after importing the given command modules. */
async function packagesLoadedBy(commands: string[]): Promise<string[]> {
  const urls = commands.map((c) => pathToFileURL(join(repoRoot, 'src', 'cli', 'commands', `${c}.ts`)).href);
  const script = `
    import { createRequire } from 'node:module';
    for (const u of ${JSON.stringify(urls)}) await import(u);
    const cache = createRequire(import.meta.url).cache;
    const names = new Set();
    for (const k of Object.keys(cache)) {
      const m = /node_modules[\\\\/]((?:@[^\\\\/]+[\\\\/])?[^\\\\/]+)/.exec(k);
      if (m) names.add(m[1]);
    }
    process.stdout.write(JSON.stringify([...names]));
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
  });
  return JSON.parse(stdout) as string[];
}

test('ingest and report start without the distributed queue (pg, pg-boss)', async () => {
  const loaded = await packagesLoadedBy(['ingest', 'report']);
  // the CommonJS packages they do load are seen (ingest reads geo databases)
  assert.ok(loaded.includes('maxmind'), `the geo reader is loaded: ${loaded.join(', ')}`);
  for (const p of ['pg', 'pg-boss']) assert.ok(!loaded.includes(p), `${p} loaded at start-up`);
});

test('report starts without the geo databases reader (maxmind)', async () => {
  // it names countries and credits the geo data; it looks no address up
  const loaded = await packagesLoadedBy(['report']);
  assert.ok(loaded.includes('tsx'), `the loader this test runs under is seen: ${loaded.join(', ')}`);
  assert.ok(!loaded.includes('maxmind'), `maxmind loaded at start-up: ${loaded.join(', ')}`);
});

test('ingest starts without the store drivers: --no-store never loads better-sqlite3', async () => {
  // the store is opened (and its driver loaded) only when there is one to write
  const loaded = await packagesLoadedBy(['ingest']);
  assert.ok(loaded.includes('maxmind'), `the geo reader is loaded: ${loaded.join(', ')}`);
  assert.ok(!loaded.includes('better-sqlite3'), `better-sqlite3 loaded at start-up: ${loaded.join(', ')}`);
});

const bin = join(repoRoot, 'bin', 'excensus.js');
const built = existsSync(join(repoRoot, 'dist', 'src', 'cli', 'main.js'))
  ? false
  : 'no dist/ build (run `npm run build`)';
const dir = mkdtempSync(join(tmpdir(), 'excensus-startup-'));

/**
 * The packages (ESM imports and CommonJS requires) the built CLI loads for `args`, and its schema
 * modules: an ES module loaded by require() (the lazy schema loaders; Node >= 20.19) is logged,
 * but its own imports (zod) are not, so loading a schema module counts as loading zod.
 */
async function packagesOfBuiltCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const log = join(dir, `imports-${Math.random().toString(36).slice(2)}.log`);
  writeFileSync(log, '');
  const hook = pathToFileURL(join(repoRoot, 'test', 'helpers', 'import-log.mjs')).href;
  await run(process.execPath, ['--import', hook, bin, ...args, '--quiet'], {
    cwd: dir,
    env: { ...process.env, EXCENSUS_IMPORT_LOG: log, ...env },
  });
  const urls = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  assert.ok(
    urls.some((u) => u.endsWith('/dist/src/cli/main.js')),
    `the hook saw the CLI's modules: ${urls.length} lines`,
  );
  const names = new Set<string>();
  for (const u of urls) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
    if (m) names.add(m[1]!);
    const schema = /\/dist\/src\/\S*schema\.js$/.exec(u);
    if (schema) names.add(`zod (${schema[0]})`);
  }
  return [...names];
}

test('ingest and report, as built, start without zod and yaml', { skip: built }, async () => {
  const input = join(dir, 'one.jsonl');
  writeFileSync(
    input,
    JSON.stringify({
      ip_str: '198.51.100.1',
      port: 443,
      timestamp: '2025-01-01T00:00:00',
      data: 'HTTP/1.1 200 OK',
    }) + '\n',
  );
  const db = join(dir, 'one.db');
  const common = ['--no-geo', '--as-of', '2026-01-01'];
  // a KB that `kb update` installed was validated then: it is not checked again at start-up
  const updated = { EXCENSUS_DATA_DIR: join(dir, 'user-data') };
  const fixtures = join(repoRoot, 'test', 'fixtures', 'kb-upstream');
  await run(process.execPath, [bin, 'kb', 'update', '--from', fixtures, '--quiet'], {
    cwd: dir,
    env: { ...process.env, ...updated },
  });
  const runs = {
    'ingest --db': await packagesOfBuiltCli(['ingest', input, '--db', db, ...common]),
    'ingest --no-store': await packagesOfBuiltCli(['ingest', input, '--no-store', ...common]),
    report: await packagesOfBuiltCli(['report', '--db', db, '--by', 'country']),
    'ingest, updated KB': await packagesOfBuiltCli(['ingest', input, '--no-store', ...common], updated),
    'report, updated KB': await packagesOfBuiltCli(['report', '--db', db, '--by', 'country'], updated),
  };
  assert.ok(runs['ingest --db'].includes('better-sqlite3'), runs['ingest --db'].join(', '));
  for (const [what, loaded] of Object.entries(runs))
    for (const p of ['zod', 'yaml'])
      assert.ok(!loaded.some((l) => l.startsWith(p)), `${what} loads ${p}: ${loaded.join(', ')}`);
});
