// Regression: gzip was recognised only when the first chunk read held both magic bytes, so a pipe
// that delivered one byte first had its compressed bytes read as text (a page of garbage problems).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { runCli } from '../helpers/cli.js';

test('gzip on stdin is recognised when the pipe hands over its first byte alone', async () => {
  const gz = gzipSync(
    readFileSync(new URL('../fixtures/formats/shodan-exchange.synthetic.jsonl', import.meta.url)),
  );
  for (const split of [1, 2, 5]) {
    const stdin = [gz.subarray(0, 1), gz.subarray(1, split), gz.subarray(split)];
    const r = await runCli(['ingest', '-', '--json', '--no-store', '--no-geo', '--as-of', '2026-06-01'], {
      stdin,
    });
    assert.equal(r.code, 0, r.stderr.slice(0, 300));
    const { summary } = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as {
      summary: { records: number; problems: number; files: Array<{ gzip: boolean }> };
    };
    assert.deepEqual(
      [summary.files[0]!.gzip, summary.records, summary.problems],
      [true, 3, 0],
      `split ${split}`,
    );
  }
});
