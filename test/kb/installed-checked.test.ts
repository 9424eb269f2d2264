// A knowledge base `kb update` installed is validated once, at install: beside its manifest it
// keeps the digests of the texts its schemas accepted (checked.json), and a load whose texts still
// have them skips the schemas (and never loads the schema library). Any other text, a file edited
// by hand, a manifest changed, a record missing or damaged, is validated at load as before.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot, runCli } from '../helpers/cli.js';
import { loadKnowledgeBase } from '../../src/kb/load.js';
import { sha256 } from '../../src/core/digest.js';
import { fixtures, tempDir } from './update/helpers.js';

const run = promisify(execFile);
const data = tempDir('kb-installed');

async function install(): Promise<string> {
  const u = await runCli(['kb', 'update', '--from', fixtures, '--json'], {
    env: { EXCENSUS_DATA_DIR: data },
  });
  assert.equal(u.code, 0, u.stderr);
  return (JSON.parse(u.stdout) as { dir: string }).dir;
}
const installed = install();

/** A copy of the installed KB to change (loads are cached per directory). */
async function copy(): Promise<string> {
  const to = tempDir('kb-installed-copy');
  cpSync(await installed, to, { recursive: true });
  return to;
}

/** Whether a fresh process that loads the KB at `dir` loads the schema library (zod). */
async function loadsZod(dir: string): Promise<boolean> {
  const load = pathToFileURL(join(repoRoot, 'src', 'kb', 'load.ts')).href;
  const script = `
    import { createRequire } from 'node:module';
    const { loadKnowledgeBase } = await import(${JSON.stringify(load)});
    const kb = loadKnowledgeBase(${JSON.stringify(dir)});
    if (kb.builds.length === 0) throw new Error('empty');
    const cache = createRequire(import.meta.url).cache;
    process.stdout.write(String(Object.keys(cache).some((k) => /node_modules[\\\\/]zod[\\\\/]/.test(k))));
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
  });
  return JSON.parse(stdout) as boolean;
}

test('kb update records the digests it validated; the KB then loads without its schemas', async () => {
  const dir = await installed;
  const record = JSON.parse(readFileSync(join(dir, 'checked.json'), 'utf8')) as {
    files: Record<string, { sha256: string }>;
  };
  for (const name of ['builds.json', 'lifecycle.json', 'cves.json', 'manifest.json'])
    assert.equal(record.files[name]?.sha256, sha256(readFileSync(join(dir, name), 'utf8')), name);
  assert.equal(await loadsZod(dir), false, 'zod loaded for a KB whose texts were validated at install');
  // without the record the same KB is validated, to the same knowledge base
  const bare = await copy();
  rmSync(join(bare, 'checked.json'));
  assert.equal(await loadsZod(bare), true, 'no record: the schemas check it');
  const a = loadKnowledgeBase(dir);
  const b = loadKnowledgeBase(bare);
  assert.equal(a.version, b.version);
  assert.equal(a.origin, 'updated');
  assert.deepEqual([a.builds, a.products, a.cves, a.families], [b.builds, b.products, b.cves, b.families]);
});

/** Sets the manifest's digest of `name` to the file's text now (an edit by hand that fixes it). */
function fixManifest(dir: string, name: string): void {
  const path = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(path, 'utf8')) as { files: Record<string, { sha256: string }> };
  m.files[name]!.sha256 = sha256(readFileSync(join(dir, name), 'utf8'));
  writeFileSync(path, JSON.stringify(m, null, 2) + '\n');
}

/** The error loading `dir` gives, with the directory named as DIR. */
function loadError(dir: string): string {
  try {
    loadKnowledgeBase(dir);
  } catch (err) {
    return (err as Error).message.replaceAll(dir, 'DIR');
  }
  assert.fail(`${dir} loaded`);
}

/** The same edit made to a copy with the record and one without (as a KB installed before it). */
async function bothWays(edit: (dir: string) => void): Promise<[string, string]> {
  const withRecord = await copy();
  const without = await copy();
  rmSync(join(without, 'checked.json'));
  edit(withRecord);
  edit(without);
  return [loadError(withRecord), loadError(without)];
}

function breakBuilds(dir: string): void {
  const path = join(dir, 'builds.json');
  const f = JSON.parse(readFileSync(path, 'utf8')) as { builds: Array<Record<string, unknown>> };
  f.builds[0]!.date = 'soon';
  writeFileSync(path, JSON.stringify(f, null, 2) + '\n');
}

test('a data file edited by hand after install gives the same error as before', async () => {
  const [damaged, damagedBefore] = await bothWays(breakBuilds);
  assert.match(damaged, /DIR\/builds\.json does not match its manifest: the knowledge base is damaged/);
  assert.equal(damaged, damagedBefore);
  // with the manifest's digest edited to match, the schema says what is wrong
  const [invalid, invalidBefore] = await bothWays((d) => {
    breakBuilds(d);
    fixManifest(d, 'builds.json');
  });
  assert.match(invalid, /DIR\/builds\.json is invalid at builds\.0\.date: a date YYYY-MM-DD/);
  assert.equal(invalid, invalidBefore);
});

test('a manifest edited by hand is validated; a damaged record only costs the check', async () => {
  const [bad, badBefore] = await bothWays((d) => {
    const path = join(d, 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    m.schema_version = 2;
    writeFileSync(path, JSON.stringify(m, null, 2) + '\n');
  });
  assert.match(bad, /DIR\/manifest\.json is invalid at schema_version/);
  assert.equal(bad, badBefore);
  for (const record of ['', '{', '{"files":{"manifest.json":{"sha256":"00"}}}', 'null']) {
    const d = await copy();
    writeFileSync(join(d, 'checked.json'), record);
    assert.equal(loadKnowledgeBase(d).version, loadKnowledgeBase(await installed).version, record);
  }
});
