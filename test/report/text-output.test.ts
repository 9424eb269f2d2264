// Text output conventions: one way to join lists, Markdown that reads as plain text, hosts in
// address order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinList } from '../../src/core/text.js';
import { compareAddresses, sortByAddress } from '../../src/core/ip.js';
import { renderMarkdownTable } from '../../src/report/render-text.js';
import { mdText } from '../../src/report/md-text.js';
import { categorise, type HostSummary } from '../../src/report/diff.js';

test('joinList: comma and space, or the empty text', () => {
  assert.equal(joinList(['ProxyLogon', 'ProxyShell']), 'ProxyLogon, ProxyShell');
  assert.equal(joinList([], '-'), '-');
});

test('mdText escapes only what Markdown acts on', () => {
  assert.equal(
    mdText('Exchange Server 2013 CU23 (15.0.1497.2); mail-01.example.org'),
    'Exchange Server 2013 CU23 (15.0.1497.2); mail-01.example.org',
  );
  assert.equal(mdText('my_server_name'), 'my_server_name', 'underscores inside words stay');
  assert.equal(mdText('_em_ *b* `c` a|b <i>'), '\\_em\\_ \\*b\\* \\`c\\` a\\|b \\<i\\>');
  assert.equal(mdText('line1\nline2'), 'line1 line2');
  const md = renderMarkdownTable({ title: 'T', columns: [{ label: 'Host' }], rows: [['a|b']] });
  assert.match(md, /\| a\\\|b \|/);
});

test('compareAddresses orders numerically: IPv4, then IPv6, then by port', () => {
  const keys = [
    '10.0.0.10:443',
    '[2001:db8::1]:443',
    '10.0.0.2:443',
    '9.1.1.1:25',
    '10.0.0.2:25',
    '[::1]:443',
  ];
  assert.deepEqual([...keys].sort(compareAddresses), [
    '9.1.1.1:25',
    '10.0.0.2:25',
    '10.0.0.2:443',
    '10.0.0.10:443',
    '[::1]:443',
    '[2001:db8::1]:443',
  ]);
  assert.deepEqual(['192.0.2.10', '192.0.2.9'].sort(compareAddresses), ['192.0.2.9', '192.0.2.10']);
});

test('sortByAddress keeps compareAddresses order, names and ports included', () => {
  const keys = [
    'xyz',
    'xy:80',
    'xy',
    '10.0.0.10',
    '[::ffff:1]:25',
    '10.0.0.9:65535',
    '10.0.0.9:7',
    'zz:1',
    '::2',
  ];
  const want = [...keys].sort(compareAddresses);
  assert.deepEqual(
    sortByAddress([...keys].reverse(), (k) => k),
    want,
  );
  assert.deepEqual(want.slice(0, 3), ['10.0.0.9:7', '10.0.0.9:65535', '10.0.0.10']);
  assert.deepEqual(want.slice(-3), ['xy:80', 'xyz', 'zz:1']);
  // a rank first: addresses ending in 2 before the others, each part by address
  assert.deepEqual(
    sortByAddress(
      ['10.0.0.2', '10.0.0.10', '10.0.0.1'],
      (k) => k,
      (k) => (k.endsWith('2') ? 0 : 1),
    ),
    ['10.0.0.2', '10.0.0.1', '10.0.0.10'],
  );
});

test('diff lists hosts of a category in address order', async () => {
  const { diffHosts } = await import('../../src/report/diff.js');
  const { makeRecord } = await import('./records.js');
  const after = ['192.0.2.10', '192.0.2.9', '192.0.2.100'].map((ip) => makeRecord({ ip, build: 'e2013' }));
  const d = await diffHosts([], after, '2026-01-01', '2026-01-01');
  assert.deepEqual(
    d.changes.map((c) => c.key),
    ['192.0.2.9', '192.0.2.10', '192.0.2.100'],
  );
  const s: HostSummary = {
    key: 'k',
    product: null,
    build: null,
    release: null,
    eol: false,
    open: [],
    cvesAssessed: true,
  };
  assert.equal(categorise(null, s).category, 'new');
});
