// The record `kb update` keeps beside a KB it installs (checked.json) says its texts passed the
// schemas of the excensus that installed it. It names those schemas (schemas_sha256, the digest
// of their sources that data/checked.generated.json holds), and a load skips the schemas only
// when the record names the schemas in use: after an upgrade whose schemas are stricter (an enum
// value removed), the KB is validated again and refused if the new schemas refuse it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { repoRoot, runCli } from '../helpers/cli.js';
import { loadKnowledgeBase } from '../../src/kb/load.js';
import { bundledSchemasDigest } from '../../src/core/checked-data.js';
import { sha256 } from '../../src/core/digest.js';
import { kbSchemasDigest } from '../../src/run/checked-data.js';
import { fixtures, tempDir } from './update/helpers.js';

const run = promisify(execFile);
const NAMES = ['builds.json', 'lifecycle.json', 'cves.json', 'manifest.json'];

const installed = (async () => {
  const data = tempDir('kb-schemas');
  const u = await runCli(['kb', 'update', '--from', fixtures, '--json'], {
    env: { EXCENSUS_DATA_DIR: data },
  });
  assert.equal(u.code, 0, u.stderr);
  return (JSON.parse(u.stdout) as { dir: string }).dir;
})();

async function copy(): Promise<string> {
  const to = tempDir('kb-schemas-copy');
  cpSync(await installed, to, { recursive: true });
  return to;
}

/** Writes checked.json as a `kb update` with the schemas `schemas` would: every text listed. */
function writeRecord(dir: string, schemas: string | undefined): void {
  const files = Object.fromEntries(
    NAMES.map((n) => [n, { sha256: sha256(readFileSync(join(dir, n), 'utf8')) }]),
  );
  const record = {
    generated_by: 'excensus kb update',
    ...(schemas ? { schemas_sha256: schemas } : {}),
    files,
  };
  writeFileSync(join(dir, 'checked.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/** Whether a fresh process that loads the KB at `dir` loads the schema library (zod). */
async function loadsZod(dir: string): Promise<boolean> {
  const load = pathToFileURL(join(repoRoot, 'src', 'kb', 'load.ts')).href;
  const script = `
    import { createRequire } from 'node:module';
    const { loadKnowledgeBase } = await import(${JSON.stringify(load)});
    if (loadKnowledgeBase(${JSON.stringify(dir)}).builds.length === 0) throw new Error('empty');
    const cache = createRequire(import.meta.url).cache;
    process.stdout.write(String(Object.keys(cache).some((k) => /node_modules[\\\\/]zod[\\\\/]/.test(k))));
  `;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
  });
  return JSON.parse(stdout) as boolean;
}

/** A build kind the current schema does not know, as an older one might have, with the manifest fixed. */
function unknownKind(dir: string): void {
  const path = join(dir, 'builds.json');
  const f = JSON.parse(readFileSync(path, 'utf8')) as { builds: Array<Record<string, unknown>> };
  f.builds[0]!.kind = 'Nightly';
  writeFileSync(path, `${JSON.stringify(f, null, 2)}\n`);
  const mpath = join(dir, 'manifest.json');
  const m = JSON.parse(readFileSync(mpath, 'utf8')) as { files: Record<string, { sha256: string }> };
  m.files['builds.json']!.sha256 = sha256(readFileSync(path, 'utf8'));
  writeFileSync(mpath, `${JSON.stringify(m, null, 2)}\n`);
}

test('kb update names the schemas it validated with: those of this package', async () => {
  const own = bundledSchemasDigest();
  assert.match(own ?? '', /^[0-9a-f]{64}$/);
  assert.equal(own, kbSchemasDigest(), 'data/checked.generated.json is out of date');
  const record = JSON.parse(readFileSync(join(await installed, 'checked.json'), 'utf8')) as {
    schemas_sha256?: string;
  };
  assert.equal(record.schemas_sha256, own);
  assert.equal(await loadsZod(await installed), false, 'a record of these schemas spares the check');
});

test('a record of other schemas, or of none, does not spare the check', async () => {
  for (const schemas of ['0'.repeat(64), undefined]) {
    const dir = await copy();
    writeRecord(dir, schemas);
    assert.equal(await loadsZod(dir), true, `schemas_sha256 ${schemas}: the KB must be validated`);
    assert.equal(loadKnowledgeBase(dir).version, loadKnowledgeBase(await installed).version);
  }
});

test('a KB the schemas in use refuse is refused, though another version recorded it valid', async () => {
  const other = await copy();
  unknownKind(other);
  writeRecord(other, '0'.repeat(64)); // installed by an excensus whose schema knew "Nightly"
  assert.throws(
    () => loadKnowledgeBase(other),
    (err: unknown) => /builds\.json is invalid at builds\.0\.kind/.test((err as Error).message),
  );
  const legacy = await copy();
  unknownKind(legacy);
  writeRecord(legacy, undefined); // a record from before the schemas were named
  assert.throws(() => loadKnowledgeBase(legacy), /builds\.json is invalid at builds\.0\.kind/);
  // the same texts recorded with the schemas in use are trusted: the record, not the text, decides
  const same = await copy();
  unknownKind(same);
  writeRecord(same, bundledSchemasDigest()!);
  assert.equal(loadKnowledgeBase(same).builds[0]!.kind, 'Nightly');
});
