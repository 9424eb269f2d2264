import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/cli.js';
import { percentChange } from '../../src/report/trend.js';
import { addScan, fleet, makeRecord, tempStore, type TempStore } from './records.js';

describe('report --trend', () => {
  let t: TempStore;
  before(async () => {
    t = await tempStore();
    const de = { country: 'DE', continent: 'EU', asn: 3320 };
    // Apr 2025: 2016 is still supported; Dec 2025: it is past end of support (2025-10-14).
    const servers = [
      makeRecord({ ip: '192.0.2.1', build: 'e2013', ...de }),
      makeRecord({ ip: '192.0.2.2', build: 'e2016cu23', ...de }),
      makeRecord({ ip: '192.0.2.3', build: 'e2016cu23', ...de }),
    ];
    await addScan(t.store, { name: 'apr', startedAt: '2025-04-01T00:00:00Z' }, servers);
    await addScan(t.store, { name: 'dec', startedAt: '2025-12-01T00:00:00Z' }, servers.slice(0, 2));
    await addScan(t.store, { name: 'other', series: 'censys', startedAt: '2025-06-01T00:00:00Z' }, fleet());
    const running = await t.store.createScan({
      name: 'half',
      kind: 'ingest',
      source: 'shodan',
      series: 'shodan',
      startedAt: '2025-08-01T00:00:00Z',
      inputs: [],
      options: {},
    });
    await t.store.addHosts(running, [{ record: makeRecord({ ip: '192.0.2.9', build: 'e2013', ...de }) }]);
  });
  after(async () => t.cleanup());

  it('--json: one line per complete scan of the series, EOL judged on each scan date', async () => {
    const r = await runCli(['report', '--trend', '--json', '--scan', 'dec', '--db', t.path]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.deepEqual(
      rows.map((x) => [x.scan, x.as_of, x.exchange, x.eol, x.eol_change]),
      [
        ['apr', '2025-04-01', 3, 1, null],
        ['dec', '2025-12-01', 2, 2, '+100.0%'],
      ],
    );
  });

  it('--as-of judges every scan on one date; text states the change', async () => {
    const r = await runCli(['report', '--trend', '--scan', 'dec', '--as-of', '2026-01-01', '--db', t.path]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /EOL servers: 3 -> 2, -33\.3%/);
  });

  it('the table shows the update state of the supported servers, as --json does', async () => {
    const json = await runCli(['report', '--trend', '--json', '--scan', 'dec', '--db', t.path]);
    const table = await runCli(['report', '--trend', '--format', 'csv', '--scan', 'dec', '--db', t.path]);
    assert.equal(table.code, 0, table.stderr);
    const [head, ...lines] = table.stdout.trim().split(/\r?\n/);
    const cols = head!.split(',');
    for (const c of ['supported', 'up-to-date', 'behind-on-updates', 'update-unknown'])
      assert.ok(cols.map((x) => x.toLowerCase().replace(/ /g, '-')).includes(c), `${c} in ${head}`);
    const at = (name: string) => cols.findIndex((x) => x.toLowerCase().replace(/ /g, '-') === name);
    const want = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, number>);
    assert.deepEqual(
      lines.map((l) => {
        const cells = l.split(',');
        return ['supported', 'up-to-date', 'behind-on-updates', 'update-unknown'].map((c) =>
          Number(cells[at(c)]),
        );
      }),
      want.map((w) => [w.supported, w.up_to_date, w.behind_on_updates, w.update_unknown]),
    );
    // and the terminal table shows them too
    const text = await runCli(['report', '--trend', '--scan', 'dec', '--db', t.path]);
    assert.match(text.stdout, /Up to date/);
    assert.match(text.stdout, /Behind on updates/);
  });

  it('percentChange', () => {
    assert.equal(percentChange(43656, 35800), '-18.0%');
    assert.equal(percentChange(0, 5), 'n/a');
    assert.equal(percentChange(0, 0), '0.0%');
  });
});
