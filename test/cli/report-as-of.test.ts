// A report's --as-of judges end of support; CVE verdicts are those the scan was stored with. A
// report on another date says so, in every format, instead of claiming both were judged on it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-report-as-of-'));

test('a report dated otherwise than its scan was judged says which date its CVE verdicts have', async () => {
  const csv = join(dir, 'targets.csv');
  writeFileSync(csv, 'ip,port,build\n192.0.2.10,443,15.1.2507.6\n');
  const db = join(dir, 'a.db');
  const ingest = await runCli(['ingest', csv, '--db', db, '--name', 'a', '--as-of', '2026-01-01']);
  assert.equal(ingest.code, 0, ingest.stderr);

  const same = await runCli(['report', '--db', db, '--as-of', '2026-01-01']);
  assert.equal(same.code, 0, same.stderr);
  assert.match(same.stdout, /support and CVEs judged as of 2026-01-01/);

  const earlier = ['report', '--db', db, '--as-of', '2023-04-11'];
  const text = await runCli(earlier);
  assert.equal(text.code, 0, text.stderr);
  assert.match(
    text.stdout,
    /end of support judged as of 2023-04-11, CVEs as judged as of 2026-01-01 \(reclassify --as-of 2023-04-11 re-judges them\)/,
  );
  assert.doesNotMatch(text.stdout, /CVEs judged as of 2023-04-11/);
  const html = await runCli([...earlier, '--format', 'html']);
  assert.equal(html.code, 0, html.stderr);
  assert.match(html.stdout, /end of support judged as of 2023-04-11, CVEs as judged as of 2026-01-01/);
});
