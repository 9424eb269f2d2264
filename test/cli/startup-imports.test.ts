// Start-up cost of the commands the Exchange-heavy benchmark runs (issue 18): `ingest` and `report`
// load the use cases they call, not the whole run/ barrel, whose distributed queue (pg, pg-boss) and
// other use cases every process paid for before reading a record (docs/measurements.md).
// `ingest --queue` still loads the queue when it is used.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
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
