// Regression: a CSV field was built one character at a time, ~40 bytes of memory per byte of the
// line (a 60 MB field: 2.3 GB resident, 21 s). A long field now costs about its own size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCliInThread } from '../helpers/cli-thread.js';

test('a 16 MiB CSV field is read within a 192 MB heap', async () => {
  const long = 'x'.repeat(16 * 1024 * 1024);
  const stdin = Buffer.from(
    `ip,port,hostname\n192.0.2.1,443,"${long}"\n192.0.2.2,443,${long}\n192.0.2.3,25,mx\n`,
  );
  const r = await runCliInThread(
    ['ingest', '-', '--format', 'csv', '--json', '--no-store', '--no-geo', '--as-of', '2026-06-01'],
    { stdin, heapMb: 192 },
  );
  assert.equal(r.code, 0, r.stderr.slice(0, 500));
  const rows = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { ip: string; hostname: string | null });
  assert.deepEqual(
    rows.map((x) => [x.ip, x.hostname?.length]),
    [
      ['192.0.2.1', long.length],
      ['192.0.2.2', long.length],
      ['192.0.2.3', 2],
    ],
  );
});
