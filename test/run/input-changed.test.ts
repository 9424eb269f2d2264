// A file that shrinks or is replaced while it is read is damage: reported, the scan left
// interrupted (not complete), and the summary says so (the CLI then exits 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestIntoStore } from '../../src/run/ingest.js';
import { openStore } from '../../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-input-changed-'));
const lines: string[] = [];
for (let i = 0; i < 100_000; i++)
  lines.push(
    JSON.stringify({
      ip_str: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
      port: 443,
      timestamp: '2025-01-01T00:00:00',
      location: { country_code: 'DE' },
      data: 'HTTP/1.1 200 OK\r\nServer: nginx\r\n\r\n' + 'x'.repeat(80),
    }),
  );
const content = lines.join('\n') + '\n'; // ~20 MB: read in many chunks

for (const how of ['shrinks', 'is replaced'] as const) {
  test(`a file that ${how} while read is reported and its scan is not complete`, async () => {
    const file = join(dir, `input-${how.replace(' ', '-')}.jsonl`);
    writeFileSync(file, content);
    const db = join(dir, `${how.replace(' ', '-')}.db`);
    const store = await openStore(db);
    let done = false;
    const problems: string[] = [];
    try {
      const result = await ingestIntoStore(
        { files: [file], store, asOf: '2026-01-01', output: 'rows', workers: 0, geo: { disabled: true } },
        {
          onRecords: () => {
            if (done) return;
            done = true;
            if (how === 'shrinks') truncateSync(file, 512 * 1024);
            else {
              const other = `${file}.new`;
              writeFileSync(other, content);
              renameSync(other, file);
            }
          },
          onProblem: (p) => problems.push(`${p.line}: ${p.reason}`),
        },
      );
      const f = result.summary.files[0]!;
      assert.equal(f.changed, true);
      assert.match(
        f.damage ?? '',
        how === 'shrinks' ? /shrank while read|ended early/ : /replaced while read/,
      );
      assert.ok(
        problems.some((p) => /while read|ended early/.test(p)),
        problems.join('\n'),
      );
      const scan = await store.getScan(result.scanId!);
      assert.equal(scan?.state, 'interrupted');
    } finally {
      await store.close();
    }
  });
}
