import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { runCli, spawnCli } from '../helpers/cli.js';

function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

test('--json prints one object per input with the wire fields', async () => {
  const r = await runCli(['lookup', '15.1.2507.6', '15.2.2562.17', '--json', '--as-of', '2026-08-20']);
  assert.equal(r.code, 0, r.stderr);
  const [a, b] = jsonLines(r.stdout);
  assert.equal(a?.input, '15.1.2507.6');
  assert.equal(a?.product, 'Exchange Server 2016');
  assert.equal(a?.release, 'Exchange Server 2016 CU23 (2022H1)');
  assert.equal(a?.release_date, '2022-04-20');
  assert.equal(a?.precision, 'full');
  assert.equal(a?.eol, true);
  assert.equal(a?.eol_date, '2025-10-14');
  assert.match(String(a?.recommendation), /^Upgrade to Exchange Server SE/);
  const vulns = a?.vulns as { cve: string; family: string; status: string }[];
  assert.deepEqual(
    vulns.find((v) => v.cve === 'CVE-2022-41082'),
    {
      cve: 'CVE-2022-41082',
      family: 'ProxyNotShell',
      status: 'vulnerable',
      fixed_in: '15.1.2507.16',
      kev: true,
    },
  );
  assert.equal(b?.product, 'Exchange Server SE');
  assert.equal(b?.eol, false);
});

test('invalid inputs get an error naming them on stderr; the others are answered; exit 2', async () => {
  const r = await runCli([
    'lookup',
    '15.x',
    '15.1.2507.6',
    'abc',
    '99.1.1.1',
    '--json',
    '--as-of',
    '2024-01-01',
  ]);
  assert.equal(r.code, 2);
  const lines = jsonLines(r.stdout);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]?.eol, false);
  for (const bad of ['"15.x"', '"abc"', '"99.1.1.1"']) assert.ok(r.stderr.includes(bad), r.stderr);
  assert.match(r.stderr, /3 of 4 input/);
});

test('"-" reads builds from stdin, one per line, skipping blank and # lines', async () => {
  const r = await runCli(['lookup', '-', '--json', '--as-of', '2026-08-20'], {
    stdin: '15.02.0858.002\n\n# comment\r\n8.3.83.4\n',
  });
  assert.equal(r.code, 0, r.stderr);
  const lines = jsonLines(r.stdout);
  assert.deepEqual(
    lines.map((l) => l.release),
    ['Exchange Server 2019 CU9', 'Exchange Server 2007 SP3'],
  );
  assert.equal(lines[0]?.build, '15.2.858.2');
});

test('the table has aligned columns, family verdicts, and notes', async () => {
  const r = await runCli(['lookup', '15.1.2507.6', '15.2.2562.17', '15.2.858.2', '--as-of', '2026-08-20']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  // PRODUCT is in the release name; it shows with --wide
  assert.match(lines[0] ?? '', /^INPUT\s+RELEASE\s+SUPPORT\s+VULNERABLE\s+LIKELY/);
  const col = (lines[0] ?? '').indexOf('RELEASE');
  assert.match(lines[1] ?? '', /^-+ {2}-+/, 'a rule under the header');
  for (const l of lines.slice(2, 5)) assert.equal(l.slice(col, col + 15), 'Exchange Server');
  assert.match(lines[2] ?? '', /EOL since 2025-10-14 \(\+310d\).*ProxyNotShell, OWASSRF/);
  assert.match(r.stdout, /Notes:\n {2}15\.2\.858\.2: /);
});

test('-o writes the output to a file; a bad --as-of or no build is a usage error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'excensus-lookup-'));
  try {
    const file = join(dir, 'out.jsonl');
    const r = await runCli(['lookup', '15.2.1544.14', '--json', '-o', file, '--as-of', '2025-01-01']);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(jsonLines(readFileSync(file, 'utf8'))[0]?.release, 'Exchange Server 2019 CU14 Nov24SUv2');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal((await runCli(['lookup', '15.1.2507.6', '--as-of', '2024-13-01'])).code, 2);
  const none = await runCli(['lookup']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /at least one build/);
});

test('EXCENSUS_AS_OF sets the date; the real process exits 2 on a bad input', async () => {
  const r = await runCli(['lookup', '15.1.2507.6', '--json'], { env: { EXCENSUS_AS_OF: '2024-01-01' } });
  assert.equal(jsonLines(r.stdout)[0]?.eol, false);
  const p = await spawnCli(['lookup', '15.1.2507.6', 'nope', '--json', '--as-of', '2025-10-15']);
  assert.equal(p.code, 2);
  assert.equal(jsonLines(p.stdout)[0]?.days_past_eol, 1);
  assert.match(p.stderr, /"nope" is not a build number/);
});
