// `--workers auto`: threads for big files, one beside a store (two when only text is printed) for smaller ones that are mostly
// records to judge (an export of an Exchange query), estimated from a sample of the file's lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUTO_TEXT_ANCHORED,
  AUTO_WORKERS_ANCHORED,
  AUTO_WORKERS_BYTES,
  autoWorkerCount,
  estimateAnchored,
} from '../../src/ingest/transport/worker-choice.js';
import { createJudge } from '../../src/ingest/judge-context.js';
import { anchorCores } from '../../src/ingest/fast/prefilter.js';
import { makeRng } from '../../src/lab/rng.js';
import { repoRoot } from '../helpers/cli.js';

const MB = 1024 * 1024;
const choice = (
  size: number | undefined,
  anchored: number,
  more: { gzip?: boolean; cores?: number; storing?: boolean; texts?: boolean } = {},
) =>
  autoWorkerCount({
    size,
    gzip: more.gzip ?? false,
    cores: more.cores ?? 2,
    storing: more.storing ?? false,
    texts: more.texts ?? false,
    anchored: () => anchored,
  });

test('big files get two threads whatever they hold; pipes and one core none', async () => {
  assert.equal(await choice(AUTO_WORKERS_BYTES, 0), 2);
  assert.equal(await choice(AUTO_WORKERS_BYTES / 4, 0, { gzip: true }), 2);
  assert.equal(await choice(AUTO_WORKERS_BYTES, 0, { cores: 1 }), 1);
  assert.equal(await choice(undefined, 10 ** 6), 0);
});

test('smaller files get one thread beside a store when they hold many records to judge', async () => {
  assert.equal(await choice(60 * MB, AUTO_WORKERS_ANCHORED - 1, { storing: true }), 0);
  assert.equal(await choice(60 * MB, AUTO_WORKERS_ANCHORED, { storing: true }), 1);
  // nothing stored: the calling thread would only wait for the workers
  assert.equal(await choice(60 * MB, 10 ** 6), 0);
  // a compressed file is read through one stream: no ranges for threads below the size rule
  assert.equal(await choice(10 * MB, 10 ** 6, { gzip: true, storing: true }), 0);
  assert.equal(await choice(60 * MB, 10 ** 6, { cores: 1, storing: true }), 0);
});

test('smaller files get two threads when nothing is stored and every record is printed as text', async () => {
  assert.equal(await choice(60 * MB, AUTO_TEXT_ANCHORED - 1, { texts: true }), 0);
  assert.equal(await choice(60 * MB, AUTO_TEXT_ANCHORED, { texts: true }), 2);
  assert.equal(await choice(60 * MB, 10 ** 6, { texts: true, cores: 1 }), 0);
  assert.equal(await choice(10 * MB, 10 ** 6, { texts: true, gzip: true }), 0);
  // stored: one thread beside the store, as before
  assert.equal(await choice(60 * MB, 10 ** 6, { texts: true, storing: true }), 1);
});

test('the sample estimates the records with an anchor in the whole file', () => {
  const cores = anchorCores(createJudge('2026-06-01').anchors)!;
  const owa = readFileSync(
    join(repoRoot, 'test/fixtures/exchange-heavy/shodan-owa-logon-100pct.generated.jsonl'),
    'utf8',
  )
    .split('\n')
    .filter((l) => l.length > 0);
  const plain = (i: number) =>
    JSON.stringify({
      ip_str: `192.0.2.${i % 250}`,
      port: 443,
      data: `HTTP/1.1 200 OK\r\nServer: nginx\r\n${'p'.repeat(i % 3000)}`,
    });
  const dir = mkdtempSync(join(tmpdir(), 'excensus-worker-choice-'));
  const rnd = makeRng(11);
  for (const share of [0, 0.15, 1]) {
    const lines: string[] = [];
    let anchored = 0;
    for (let i = 0; i < 3000; i++) {
      if (rnd() < share) {
        lines.push(owa[i % owa.length]!);
        anchored++;
      } else lines.push(plain(i));
    }
    const path = join(dir, `f-${share}.jsonl`);
    const text = lines.join('\n') + '\n';
    writeFileSync(path, text);
    const fd = openSync(path, 'r');
    try {
      const est = estimateAnchored(fd, 0, Buffer.byteLength(text), cores);
      if (share === 0) assert.equal(est, 0);
      else
        assert.ok(
          Math.abs(est - anchored) <= anchored * 0.25,
          `share ${share}: ${est} estimated, ${anchored} there`,
        );
    } finally {
      closeSync(fd);
    }
  }
});
