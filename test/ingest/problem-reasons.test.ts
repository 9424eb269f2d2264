// Regression: a problem's reason quoted the rejected value whole, so a 1 MiB "ip" became a 1 MiB
// line on stderr and in the summary (kept for up to 1000 problems). Reasons are now cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';

test('a reason quoting a huge value is cut and says how long it was', async () => {
  const huge = 'y'.repeat(1024 * 1024);
  const stdin = `ip,port\n${huge},443\n192.0.2.1,${huge}\n192.0.2.2,443\n`;
  const r = await runCli(['ingest', '-', '--format', 'csv', '--json', '--no-store', '--no-geo'], { stdin });
  assert.equal(r.code, 0, r.stderr.slice(0, 300));
  assert.ok(r.stderr.length < 4000, `stderr holds ${r.stderr.length} characters`);
  const { summary } = JSON.parse(r.stderr.trim().split('\n').at(-1)!) as {
    summary: { records: number; problem_list: Array<{ line: number; reason: string }> };
  };
  assert.equal(summary.records, 1);
  assert.deepEqual(
    summary.problem_list.map((p) => p.line),
    [2, 3],
  );
  for (const p of summary.problem_list) {
    assert.ok(p.reason.length < 400, p.reason.slice(0, 100));
    assert.match(p.reason, /^invalid (ip|port) "yyyy.*\.\.\. \(\d+ characters in all\)$/);
  }
});
