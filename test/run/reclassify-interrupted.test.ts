// A reclassify stopped part-way (here: a write that fails after the first batch, as a kill would
// leave it) marks the scan as partly re-judged; `scans` and `report` say so until a run finishes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';
import { sqliteAndPostgresEach } from '../helpers/stores.js';
import { openStore } from '../../src/store/index.js';
import { reclassifyStored } from '../../src/run/reclassify.js';
import { loadKnowledgeBase } from '../../src/kb/load.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import type { StoredHost } from '../../src/store/store.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-reclassify-interrupted-'));
const file = join(dir, 'shodan.jsonl');
const r = rng(11);
const lines: string[] = [];
for (let i = 0; i < 600; i++) lines.push(generateRecord(r, i).line);
writeFileSync(file, lines.join('\n') + '\n');

async function options(db: string): Promise<Record<string, unknown>> {
  const store = await openStore(db);
  try {
    return (await store.getScan('early'))!.options;
  } finally {
    await store.close();
  }
}

for (const { name, db: dbFor } of sqliteAndPostgresEach(dir, 'rejudge')) {
  test(`${name}: an interrupted reclassify leaves the scan marked, and a second run finishes it`, async () => {
    const db = dbFor('interrupted');
    const ing = await runCli([
      'ingest',
      file,
      '--db',
      db,
      '--name',
      'early',
      '--as-of',
      '2025-06-01',
      '--no-geo',
    ]);
    assert.equal(ing.code, 0, ing.stderr);
    const kb = loadKnowledgeBase().version;
    const store = await openStore(db);
    try {
      // judged with an older KB than the one in use
      const scan = (await store.getScan('early'))!;
      await store.setScanOptions(scan.id, { ...scan.options, kb_version: 'old-kb' });
      let writes = 0;
      const failing = new Proxy(store, {
        get: (target, key, receiver) =>
          key === 'addHosts'
            ? (id: number, hosts: StoredHost[]) =>
                ++writes === 2 ? Promise.reject(new Error('killed')) : target.addHosts(id, hosts)
            : (Reflect.get(target, key, receiver) as unknown),
      });
      await assert.rejects(
        reclassifyStored(failing, { scan: 'early', asOf: '2026-01-01', batchSize: 5 }),
        /killed/,
      );
      assert.equal(writes, 2, 'the first batch was written');
    } finally {
      await store.close();
    }
    const marked = await options(db);
    assert.equal(marked.kb_version, 'old-kb', 'not labelled with the new KB');
    assert.deepEqual(marked.rejudging, { kb_version: kb, as_of: '2026-01-01', from_kb_version: 'old-kb' });
    const note = /scan "early" is partly re-judged: .*run reclassify again to finish/;
    const scans = await runCli(['scans', '--db', db]);
    assert.equal(scans.code, 0, scans.stderr);
    assert.match(scans.stdout, note);
    assert.match(scans.stdout, /old-kb \+ /);
    const json = await runCli(['scans', '--db', db, '--json']);
    assert.equal((JSON.parse(json.stdout) as { partly_rejudged: unknown }).partly_rejudged !== null, true);
    const report = await runCli(['report', '--db', db, '--scan', 'early']);
    assert.equal(report.code, 0, report.stderr);
    assert.match(report.stdout, note);
    const rows = await runCli(['report', '--db', db, '--scan', 'early', '--json']);
    assert.equal(
      (JSON.parse(rows.stdout.split('\n')[0]!) as { partly_rejudged?: boolean }).partly_rejudged,
      true,
    );
    const diff = await runCli(['diff', 'early', 'early', '--db', db]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, note);

    const again = await runCli(['reclassify', '--db', db, '--scan', 'early', '--as-of', '2026-01-01']);
    assert.equal(again.code, 0, again.stderr);
    const done = await options(db);
    assert.equal(done.rejudging, undefined);
    assert.equal(done.kb_version, kb);
    assert.doesNotMatch((await runCli(['scans', '--db', db])).stdout, /partly re-judged/);
    assert.doesNotMatch((await runCli(['report', '--db', db, '--scan', 'early'])).stdout, /partly re-judged/);
  });
}
