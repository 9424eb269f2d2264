// data/windows.json: the Windows Server releases an NTLM version names, and their end of support.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { judgeWindows, loadWindowsTable, parseWindowsTable } from '../../src/kb/index.js';

describe('Windows releases table', () => {
  const table = loadWindowsTable();

  it('names the Windows Server builds Exchange runs on', () => {
    const want: Record<string, string> = {
      '6.2.9200': 'Windows Server 2012',
      '6.3.9600': 'Windows Server 2012 R2',
      '10.0.14393': 'Windows Server 2016',
      '10.0.17763': 'Windows Server 2019',
      '10.0.20348': 'Windows Server 2022',
    };
    for (const [v, product] of Object.entries(want)) assert.equal(table.get(v)?.product, product, v);
    // Microsoft Lifecycle: 2012 and 2012 R2 extended support ended 2023-10-10.
    assert.equal(table.get('6.3.9600')?.endOfSupport, '2023-10-10');
    assert.equal(table.get('6.2.9200')?.endOfSupport, '2023-10-10');
  });

  it('judges support on the as-of date, never the clock', () => {
    // the end-of-support date is the last day supported, as for Exchange
    assert.equal(judgeWindows('6.3.9600', table, '2023-10-10').unsupported, false);
    assert.equal(judgeWindows('6.3.9600', table, '2023-10-11').unsupported, true);
    assert.equal(judgeWindows('10.0.17763', table, '2026-06-01').unsupported, false);
    assert.deepEqual(judgeWindows('10.0.99999', table, '2026-06-01'), {
      version: '10.0.99999',
      product: null,
      endOfSupport: null,
      unsupported: null,
    });
  });

  it('refuses a damaged table loudly', () => {
    assert.throws(
      () => parseWindowsTable({ about: 'x'.repeat(20), releases: [{ version: '10.0' }] }),
      /windows/,
    );
  });
});
