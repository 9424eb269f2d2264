import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadBlocklist, parseRangeList } from '../../src/probe/blocklist.js';
import { dataPath } from '../../src/core/data-dir.js';
import { parseRange } from '../../src/probe/address-ranges.js';

test('data/blocklist.txt: every range parses and names its registry entry', () => {
  const text = readFileSync(dataPath('blocklist.txt'), 'utf8');
  const { errors, count } = parseRangeList(text);
  assert.deepEqual(errors, []);
  assert.ok(count >= 30, `only ${count} ranges`);
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    assert.match(line, /^\S+\s+#\s*\S.*\(RFC \d+/, `line without a registry entry comment: ${line}`);
  }
});

test('the IANA special-purpose ranges are blocked, public addresses are not', () => {
  const b = loadBlocklist();
  for (const ip of [
    '10.1.2.3',
    '192.168.0.1',
    '172.31.255.255',
    '100.64.0.1',
    '169.254.1.1',
    '127.0.0.1',
    '0.0.0.0',
    '192.0.2.7',
    '198.51.100.1',
    '203.0.113.9',
    '224.0.0.1',
    '240.0.0.1',
    '255.255.255.255',
    '198.19.0.1',
  ]) {
    assert.ok(b.containsIp(ip), `${ip} should be blocked`);
  }
  for (const ip of [
    '::1',
    '::',
    'fe80::1',
    'fc00::1',
    'fd12:3456::1',
    '2001:db8::1',
    'ff02::1',
    '::ffff:8.8.8.8',
    '2002:0808:0808::1',
    '64:ff9b::8.8.8.8',
  ]) {
    assert.ok(b.containsIp(ip), `${ip} should be blocked`);
  }
  for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '192.169.0.1', '2606:4700::1111', '2a00:1450::1']) {
    assert.ok(!b.containsIp(ip), `${ip} should not be blocked`);
  }
});

test('range lists: CIDR, single addresses and a-b ranges; bad lines reported by number', () => {
  const { ranges, errors } = parseRangeList(
    '# excl\n8.8.8.0/24\n\n9.9.9.9 # one\n1.1.1.1-1.1.1.3\nnot-an-ip\n2001:4860::/32\n300.1.1.1\n',
  );
  assert.deepEqual(
    errors.map((e) => e.line),
    [6, 8],
  );
  assert.ok(ranges.containsIp('8.8.8.200'));
  assert.ok(ranges.containsIp('9.9.9.9'));
  assert.ok(ranges.containsIp('1.1.1.2'));
  assert.ok(!ranges.containsIp('1.1.1.4'));
  assert.ok(ranges.containsIp('2001:4860::8888'));
});

test('subtracting the blocklist from a wide range keeps only the allowed parts', () => {
  const b = loadBlocklist();
  const r = parseRange('9.255.255.254-10.0.0.1');
  assert.ok(r && r.family === 4);
  const kept = b.subtract4(r.start, r.end);
  assert.deepEqual(
    kept.map(([s, e]) => e - s + 1),
    [2],
  );
  // 0.0.0.0/0 keeps about 3.7 billion addresses: everything but the special-purpose space.
  const all = b.subtract4(0, 2 ** 32 - 1).reduce((n, [s, e]) => n + e - s + 1, 0);
  assert.ok(all > 3.6e9 && all < 3.8e9, String(all));
});
