// Tables fit the terminal: default columns per command, --columns and --wide, padding, and long
// cells shortened with an ellipsis on a terminal only (never in files, pipes, CSV or JSON).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot, runCli } from '../helpers/cli.js';
import { addScan, fleet, tempStore, type TempStore } from '../report/records.js';
import { fitCell, renderTextTable } from '../../src/report/render-text.js';
import { selectColumns } from '../../src/report/columns.js';
import type { Table } from '../../src/report/table.js';

const LONG = 'Upgrade to Exchange Server Subscription Edition and apply the latest security update';
const table: Table = {
  title: 'T',
  columns: [
    { label: 'Host' },
    { label: 'Servers', numeric: true },
    { label: 'Advice' },
    { label: 'Hidden', numeric: true, extra: true },
  ],
  rows: [
    ['mail.example.org', 123456, LONG, 1],
    ['a', 7, 'short', 2],
  ],
};

describe('text table renderer (pure)', () => {
  it('pads columns and keeps cells whole when no width is given (files, pipes)', () => {
    const text = renderTextTable(table);
    assert.ok(text.includes(LONG));
    assert.doesNotMatch(text, /…/);
    const lines = text.split('\n');
    // numbers right-aligned: both rows end their Servers cell at the same column
    const end = (l: string, s: string) => l.indexOf(s) + s.length;
    assert.equal(end(lines[3]!, '123,456'), end(lines[4]!, '  7'));
  });

  it('on a terminal, shortens the widest text cell with an ellipsis so every line fits', () => {
    const text = renderTextTable(table, { width: 60 });
    for (const l of text.trimEnd().split('\n')) assert.ok(l.length <= 60, `${l.length}: ${l}`);
    assert.match(text, /Upgrade to Exchange.*…/);
    assert.ok(text.includes('123,456'), 'numbers are never cut');
    assert.ok(text.includes('mail.example.org'), 'a narrow text column keeps its width');
  });

  it('fitCell cuts to the width with the ellipsis as the last character', () => {
    assert.equal(fitCell('abcdef', 4), 'abc…');
    assert.equal(fitCell('abc', 4), 'abc');
    assert.equal(fitCell('Exchange Server 2019 CU9', 8, 'start'), '…019 CU9');
  });

  it('default columns leave out extra ones and say so; --wide shows all; --columns picks in order', () => {
    const d = selectColumns(table, {});
    assert.deepEqual(
      d.columns.map((c) => c.label),
      ['Host', 'Servers', 'Advice'],
    );
    assert.match(d.note ?? '', /1 more column: --wide/);
    assert.equal(selectColumns(table, { wide: true }).columns.length, 4);
    const picked = selectColumns(table, { columns: ['advice', 'HOST'] });
    assert.deepEqual(
      picked.columns.map((c) => c.label),
      ['Advice', 'Host'],
    );
    assert.deepEqual(picked.rows[1], ['short', 'a']);
  });
});

describe('report, scans and lookup tables', () => {
  let t: TempStore;
  const headlineFamilies = (
    parse(readFileSync(join(repoRoot, 'data/report.yaml'), 'utf8')) as { headline_families: string[] }
  ).headline_families;
  before(async () => {
    t = await tempStore();
    await addScan(t.store, { name: 'dec', startedAt: '2026-11-01T00:00:00Z' }, fleet());
  });
  after(async () => t.cleanup());
  const report = (args: string[], opts: { terminalWidth?: number } = {}) =>
    runCli(['report', '--db', t.path, '--as-of', '2026-01-01', ...args], opts);
  /** The header line of the (one) grouped table: the line after its "By ..." title. */
  const header = (out: string) => {
    const lines = out.split('\n');
    return lines[lines.findIndex((l) => /^By /.test(l)) + 1] ?? '';
  };

  it('report --by: group, servers, Exchange, share, EOL and the headline families of data/report.yaml', async () => {
    const r = await report(['--by', 'country']);
    assert.equal(r.code, 0, r.stderr);
    const cols = header(r.stdout).split(/\s{2,}/);
    const shown = cols.slice(5);
    assert.deepEqual(cols.slice(0, 5), ['Country', 'Servers', 'Exchange', 'Share', 'EOL']);
    assert.ok(shown.length > 0, 'some headline family is open in the fleet');
    for (const f of shown) assert.ok(headlineFamilies.includes(f), `${f} is a headline family`);
    assert.doesNotMatch(header(r.stdout), /likely|Suspect|EOL share/);
    assert.match(r.stdout, /more columns: --wide shows all, --columns picks/);
  });

  it('--wide shows every column; --columns picks them in order', async () => {
    const wide = await report(['--by', 'country', '--wide']);
    assert.match(header(wide.stdout), /Suspect.*EOL share.*likely/);
    const picked = await report(['--by', 'country', '--columns', 'eol,country']);
    assert.equal(picked.code, 0, picked.stderr);
    assert.match(header(picked.stdout), /^EOL\s+Country$/);
    assert.match(picked.stdout, /^\s+\d+\s+DE Germany$/m);
  });

  it('--columns with an unknown name is a usage error listing the known ones', async () => {
    const r = await report(['--by', 'country', '--columns', 'country,servrs']);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /unknown column "servrs" \(did you mean servers\?\) \(known: country, servers, exchange/,
    );
  });

  it('on a terminal, lines fit its width; to a file the same table keeps every cell whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'excensus-tables-'));
    try {
      const tty = await report(['--by', 'release'], { terminalWidth: 70 });
      const rows = tty.stdout.split('\n').filter((l) => /^(…|Exchange Serv|Release|-{8})/.test(l));
      assert.ok(rows.length > 3);
      for (const l of rows) assert.ok(l.length <= 70, `${l.length}: ${l}`);
      // release names are cut at the start: their end tells them apart
      assert.match(tty.stdout, /^…rver 2016 CU23 /m);
      const file = join(dir, 'r.txt');
      const toFile = await report(['--by', 'release', '--wide', '-o', file], { terminalWidth: 70 });
      assert.equal(toFile.code, 0, toFile.stderr);
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, /…/);
      assert.match(text, /Exchange Server 2016 CU23 /);
      const csv = await report(['--by', 'release', '--format', 'csv'], { terminalWidth: 70 });
      assert.doesNotMatch(csv.stdout, /…/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('scans: KIND and SERIES only with --wide', async () => {
    const r = await runCli(['scans', '--db', t.path]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^ID\s+NAME\s+SOURCE\s+STARTED\s+OBSERVED\s+STATE\s+HOSTS\s+EXCHANGE\s+SUSPECT\s+KB$/m,
    );
    const wide = await runCli(['scans', '--db', t.path, '--wide']);
    assert.match(wide.stdout, /^ID\s+NAME\s+KIND\s+SOURCE\s+SERIES/m);
  });

  it('lookup on an 80-column terminal: the recommendation is shortened, not wrapped', async () => {
    const r = await runCli(['lookup', '15.1.2507.6', '--as-of', '2026-08-20', '--quiet'], {
      terminalWidth: 80,
    });
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) assert.ok(l.length <= 80, `${l.length}: ${l}`);
    assert.match(lines[2] ?? '', /…$/);
  });
});

describe('a real terminal', () => {
  it(
    'lookup under script(1) on a 72-column pty fits the width',
    { skip: existsSync('/usr/bin/script') ? false : 'script(1) not installed (util-linux)' },
    () => {
      const cmd = `stty cols 72; ${process.execPath} --import tsx src/cli/run.ts lookup 15.1.2507.6 --as-of 2026-08-20 --quiet`;
      const out = execFileSync('script', ['-qec', cmd, '/dev/null'], { cwd: repoRoot, encoding: 'utf8' });
      const lines = out.replace(/\r/g, '').trimEnd().split('\n');
      assert.match(lines[0] ?? '', /^INPUT\s+RELEASE/);
      for (const l of lines) assert.ok(l.length <= 72, `${l.length}: ${l}`);
      assert.match(out, /…/);
    },
  );
});
