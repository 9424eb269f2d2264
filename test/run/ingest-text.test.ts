// Without a store, a caller that takes text (onText) gets the same lines whether the records were
// judged on the calling thread or in worker threads that wrote the text themselves (hostText),
// including blocks where some records need the calling thread (no geo or network from the source),
// and the counts agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestIntoStore, type IngestOutput } from '../../src/run/ingest.js';
import { ingestFiles } from '../../src/ingest/pipeline.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-ingest-text-'));
const owa = (build: string) =>
  `HTTP/1.1 200 OK\r\nServer: Microsoft-IIS/10.0\r\nX-OWA-Version: ${build}\r\nX-FEServer: EXCH1\r\n\r\n`;
const builds = ['15.1.2507.6', '15.2.1118.40', '15.0.1497.2', '15.2.986.5'];

/** ~3.4 MB of Shodan lines: Exchange and plain records; from record `bareFrom` on, every 50th has no location or ASN. */
function writeFile(name: string, bareFrom: number): string {
  const lines: string[] = [];
  for (let i = 0; i < 9000; i++) {
    const bare = i >= bareFrom && i % 50 === 0;
    lines.push(
      JSON.stringify({
        ip_str: `198.51.${(i >> 8) & 255}.${i & 255}`,
        port: 443,
        timestamp: '2025-01-01T00:00:00',
        hostnames: [`mail${i}.example`],
        ...(bare
          ? {}
          : {
              asn: `AS${3320 + (i % 7)}`,
              org: `Org ${i % 5}`,
              location: { country_code: ['DE', 'FR', 'US'][i % 3] },
            }),
        data:
          i % 3 === 0
            ? owa(builds[i % builds.length]!)
            : 'HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n' + 'x'.repeat(200),
      }),
    );
  }
  const file = join(dir, name);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const mixed = writeFile('mixed.jsonl', 6000); // the first ranges all final, the last ones not
const final = writeFile('final.jsonl', Infinity);

async function text(file: string, output: IngestOutput, workers: number) {
  let out = '';
  const r = await ingestIntoStore(
    { files: [file], store: null, asOf: '2026-01-01', output, workers },
    { onText: (t) => void (out += t) },
  );
  return { out, emitted: r.emitted, stored: r.stored, records: r.summary.records };
}

for (const output of ['records', 'rows'] as const) {
  for (const [name, file] of [
    ['every record final in the threads', final],
    ['some records filled in by the calling thread', mixed],
  ] as const) {
    test(`${output}, ${name}: the same text on the calling thread and from two worker threads`, async () => {
      const here = await text(file, output, 0);
      const threads = await text(file, output, 2);
      assert.equal(here.records, 9000);
      assert.equal(here.out.split('\n').length, 9001);
      assert.deepEqual(threads, here);
      if (output === 'records') assert.match(here.out, /"continent":"EU"/);
    });
  }
}

test('worker threads send a block as text only when each of its records is final there', async () => {
  const blocks = { text: 0, records: 0 };
  await ingestFiles(
    [mixed],
    { asOf: '2026-01-01', workers: 2, keepObservations: false, hostText: 'json', rangeBytes: 256 * 1024 },
    async (batch, _plain, _from, lines) => {
      if (lines) blocks.text++;
      else if (batch.length > 0) blocks.records++;
    },
  );
  assert.ok(blocks.text > 0, 'blocks of final records came as text');
  assert.ok(blocks.records > 0, 'blocks with records lacking geo came as records');
});
