// hostJsonLine makes a classification's text once and joins it to each record's own fields: it
// must give exactly jsonLine(hostRecordToWire(r)) for every record, whatever fields it has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ingestFiles } from '../../src/ingest/pipeline.js';
import { hostJsonLine, hostRecordToWire, jsonLine } from '../../src/core/wire.js';
import type { HostRecord } from '../../src/core/host-record.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures');

async function recordsOf(files: string[]): Promise<HostRecord[]> {
  const out: HostRecord[] = [];
  await ingestFiles(files, { asOf: '2026-03-01', workers: 0, keepObservations: false }, async (batch) => {
    for (const h of batch) out.push(h.record);
  });
  return out;
}

test('hostJsonLine gives the text of jsonLine(hostRecordToWire) for every fixture record', async () => {
  const inputs = (dir: string): string[] =>
    readdirSync(join(fixtures, dir))
      .filter((f) => !f.endsWith('.expected.jsonl') && !f.endsWith('.md'))
      .map((f) => join(fixtures, dir, f));
  const files = [...inputs('formats'), ...inputs('exchange-heavy')];
  const records = await recordsOf(files);
  assert.ok(records.length > 100, `${records.length} records`);
  assert.ok(records.some((r) => r.classification === null));
  assert.ok(records.some((r) => r.classification !== null && r.classification.vulns.length > 0));
  let shared = 0;
  for (const r of records) {
    assert.equal(hostJsonLine(r), jsonLine(hostRecordToWire(r)), `${r.ip}:${r.port}`);
    // asked again (the classification's text now comes from the cache), the same text
    assert.equal(hostJsonLine(r), jsonLine(hostRecordToWire(r)));
    if (r.classification && records.filter((o) => o.classification === r.classification).length > 1) shared++;
  }
  assert.ok(shared > 0, 'records share classifications, so the cache is exercised');
});

test('hostJsonLine keeps optional fields in place and escapes terminal controls in every part', async () => {
  const [base] = (
    await recordsOf([join(fixtures, 'exchange-heavy', 'shodan-owa-logon-100pct.generated.jsonl')])
  ).filter((r) => r.classification !== null);
  assert.ok(base);
  const hostile = 'x\u202ey\u0085z\u2028';
  const full: HostRecord = {
    ...base,
    hostname: `mail${hostile}.example`,
    statusDetail: hostile,
    windows: { version: '10.0.17763', product: null, endOfSupport: null, unsupported: null },
    smtp: { tls: 'ok', keywords: ['STARTTLS', hostile] },
    probes: [{ request: 'GET /owa/', status: 200, ms: 12, error: hostile }],
    geo: { country: 'DE', city: hostile, source: 'source' },
    asn: { number: 3320, org: hostile, source: 'source' },
  };
  const line = hostJsonLine(full);
  assert.equal(line, jsonLine(hostRecordToWire(full)));
  assert.doesNotMatch(line, /[\u0080-\u009f\u2028\u202e]/);
  assert.deepEqual(JSON.parse(line), hostRecordToWire(full));
  const bare: HostRecord = { ...full, classification: null };
  assert.equal(hostJsonLine(bare), jsonLine(hostRecordToWire(bare)));
});
