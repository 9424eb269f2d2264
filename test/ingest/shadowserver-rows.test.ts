// ShadowServer rows whose values would land under the wrong names (a short or long row, a header
// that repeats a column with two different values) are problems with their lines, not verdicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFiles } from '../../src/ingest/pipeline.js';
import type { HostRecord } from '../../src/core/host-record.js';

test('short, long and ambiguous ShadowServer rows are reported with their lines', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-shadowserver-rows-'));
  const file = join(dir, 'scan_exchange.csv');
  writeFileSync(
    file,
    [
      '"timestamp","ip","port","version","asn","geo","version"',
      '"2024-05-01 00:00:00","198.51.100.1",443,"15.1.2507",3320,"DE","15.1.2507"',
      '"2024-05-01 00:00:00","198.51.100.2",443,"15.1.2507",3320,"DE","15.2.1544"',
      '"2024-05-01 00:00:00","198.51.100.3",443,"15.1.2507"',
      '"2024-05-01 00:00:00","198.51.100.4",443,"15.1.2507",3320,"DE","15.1.2507","extra"',
      '"2024-05-01 00:00:00","198.51.100.5",443,"15.2.1544",3320,"DE","15.2.1544"',
    ].join('\n') + '\n',
  );
  const records: HostRecord[] = [];
  const summary = await ingestFiles([file], { format: 'shadowserver', asOf: '2026-01-01' }, async (batch) => {
    for (const h of batch) records.push(h.record);
  });
  assert.deepEqual(
    summary.problems.map((p) => `${p.line}: ${p.reason}`),
    [
      '1: header repeats column "version" (columns 4 and 7); a row whose two values differ is not read',
      '3: columns 4 and 7 ("version") differ',
      '4: row has 4 fields, the header 7: short row not read',
      '5: row has 8 fields, the header 7: long row not read',
    ],
  );
  assert.deepEqual(
    records.map((r) => r.ip),
    ['198.51.100.1', '198.51.100.5'],
  );
});
