import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddressRanges, parseRange } from '../../src/probe/address-ranges.js';
import { loadBlocklist } from '../../src/probe/blocklist.js';
import { buildTargetSpace } from '../../src/probe/target-space.js';
import {
  parsePorts,
  parseTargetLines,
  parseTargetSpec,
  type PortSpec,
  type TargetSpec,
} from '../../src/probe/targets.js';

const defaults = { https: [443, 8443], http: [80, 8080], smtp: [25, 587] };

function specs(...items: string[]): TargetSpec[] {
  return items.map((i) => {
    const s = parseTargetSpec(i);
    assert.notEqual(typeof s, 'string', i);
    return s as TargetSpec;
  });
}

test('target specs: addresses, CIDRs, ranges, names; junk is refused', () => {
  assert.equal((parseTargetSpec('127.0.0.1') as TargetSpec).kind, 'range');
  assert.equal((parseTargetSpec('2001:db8::/120') as TargetSpec).kind, 'range');
  assert.equal((parseTargetSpec('127.0.0.1-127.0.0.9') as TargetSpec).kind, 'range');
  assert.deepEqual(parseTargetSpec('Mail.Example.org.'), {
    kind: 'name',
    text: 'Mail.Example.org.',
    name: 'mail.example.org',
  });
  for (const bad of [
    '1.2.3',
    '1.2.3.4/33',
    '1.2.3.9-1.2.3.1',
    'a_b.example',
    '::1-1.2.3.4',
    'http://x/',
    '',
  ]) {
    assert.equal(typeof parseTargetSpec(bad), 'string', bad);
  }
});

test('target files: comments, several per line, bad lines with line numbers', () => {
  const { specs: s, errors } = parseTargetLines(
    '# list\n127.0.0.1, 127.0.0.2\n\nbad..name\nlocalhost # me\n999.1.1.1\n',
    'f.txt',
  );
  assert.equal(s.length, 3);
  assert.deepEqual(
    errors.map((e) => e.where),
    ['f.txt line 4', 'f.txt line 6'],
  );
});

test('ports: bare numbers map by the plan table, prefixes override, others are TLS', () => {
  assert.deepEqual(
    parsePorts('443,80,25,587,8080,18443,http:81,smtp:2525,https:8080', defaults),
    'port 8080 given twice',
  );
  assert.deepEqual(parsePorts('443,80,25,18443,http:81,smtp:2525', defaults), [
    { port: 443, protocol: 'https' },
    { port: 80, protocol: 'http' },
    { port: 25, protocol: 'smtp' },
    { port: 18443, protocol: 'https' },
    { port: 81, protocol: 'http' },
    { port: 2525, protocol: 'smtp' },
  ]);
  assert.equal(typeof parsePorts('0', defaults), 'string');
  assert.equal(typeof parsePorts('ftp:21', defaults), 'string');
});

const ports: PortSpec[] = [
  { port: 443, protocol: 'https' },
  { port: 25, protocol: 'smtp' },
];

test('a wider range never reaches into a blocked one; blocked parts are counted', async () => {
  // 9.255.255.252/30 .. 10.0.0.3: the 10/8 part is private-use.
  const space = await buildTargetSpace(specs('9.255.255.252-10.0.0.3'), ports, {
    blocklist: loadBlocklist(),
  });
  assert.equal(space.addressCount, 4);
  assert.equal(space.excludedAddresses, 4);
  const ips = new Set(Array.from({ length: space.size }, (_, i) => space.at(i).ip));
  assert.deepEqual([...ips].sort(), ['9.255.255.252', '9.255.255.253', '9.255.255.254', '9.255.255.255']);
});

test('loopback is scanned only when the target itself lies inside loopback', async () => {
  const bl = loadBlocklist();
  const lab = await buildTargetSpace(specs('127.88.0.0/30'), ports, { blocklist: bl });
  assert.equal(lab.addressCount, 4);
  const wide = await buildTargetSpace(specs('126.255.255.254-127.0.0.1'), ports, { blocklist: bl });
  assert.equal(wide.addressCount, 2);
  assert.ok(Array.from({ length: wide.size }, (_, i) => wide.at(i).ip).every((ip) => ip.startsWith('126.')));
  const v6 = await buildTargetSpace(specs('::1'), ports, { blocklist: bl });
  assert.equal(v6.addressCount, 1);
  assert.equal(v6.at(0).ip, '::1');
});

test("explicit blocked or --exclude'd addresses become skipped targets, never space entries", async () => {
  const exclude = new AddressRanges();
  exclude.add(parseRange('127.88.0.2') as NonNullable<ReturnType<typeof parseRange>>);
  const space = await buildTargetSpace(specs('10.0.0.1', '127.88.0.2', '127.88.0.0/30', 'lab.test'), ports, {
    blocklist: loadBlocklist(),
    exclude,
    resolve: async (name) => (name === 'lab.test' ? ['192.168.1.1'] : []),
  });
  assert.deepEqual(
    space.skipped.map((s) => [s.ip, s.status, s.detail]),
    [
      ['10.0.0.1', 'excluded', 'IANA special-purpose address (data/blocklist.txt)'],
      ['127.88.0.2', 'excluded', 'excluded by --exclude'],
      ['192.168.1.1', 'excluded', 'IANA special-purpose address (data/blocklist.txt)'],
    ],
  );
  const ips = Array.from({ length: space.size }, (_, i) => space.at(i).ip);
  assert.ok(!ips.includes('127.88.0.2'));
  assert.equal(new Set(ips).size, 3);
  assert.equal(space.excludedAddresses, 1);
});

test('names resolve to one address each and keep the name for SNI and Host', async () => {
  // nothing is contacted: the space is only built
  const space = await buildTargetSpace(
    specs('mail.lab.test', '127.88.0.9'),
    [{ port: 443, protocol: 'https' }],
    {
      blocklist: loadBlocklist(),
      resolve: async () => ['127.88.0.7', '9.9.9.9'],
    },
  );
  const got = Array.from({ length: space.size }, (_, i) => space.at(i));
  assert.deepEqual(got, [
    { ip: '127.88.0.9', port: 443, protocol: 'https' },
    { ip: '9.9.9.9', port: 443, protocol: 'https', hostname: 'mail.lab.test' },
  ]);
  const failing = await buildTargetSpace(specs('nowhere.invalid'), ports, {
    blocklist: loadBlocklist(),
    resolve: async () => {
      throw Object.assign(new Error('nx'), { code: 'ENOTFOUND' });
    },
  });
  assert.deepEqual(failing.skipped, [
    { ip: '', hostname: 'nowhere.invalid', status: 'unreachable', detail: 'DNS: ENOTFOUND' },
  ]);
});

test('IPv6 ranges index correctly', async () => {
  const space = await buildTargetSpace(specs('2606:4700::/126'), [{ port: 443, protocol: 'https' }], {
    blocklist: loadBlocklist(),
  });
  assert.deepEqual(
    Array.from({ length: space.size }, (_, i) => space.at(i).ip),
    ['2606:4700::', '2606:4700::1', '2606:4700::2', '2606:4700::3'],
  );
});

test('every address a name resolves to passes the blocklist; a name never gets the loopback waiver', async () => {
  const exclude = new AddressRanges();
  exclude.add(parseRange('9.9.9.9') as NonNullable<ReturnType<typeof parseRange>>);
  const answers: Record<string, string[]> = {
    'loop.test': ['127.0.0.1'],
    'loop6.test': ['::1'],
    'mixed.test': ['127.0.0.1', '10.1.2.3', '9.9.9.9', '1.1.1.1'],
  };
  const space = await buildTargetSpace(specs('loop.test', 'loop6.test', 'mixed.test', '127.0.0.1'), ports, {
    blocklist: loadBlocklist(),
    exclude,
    resolve: async (name) => answers[name] ?? [],
  });
  assert.deepEqual(
    space.skipped.map((s) => [s.hostname, s.ip, s.status]),
    [
      ['loop.test', '127.0.0.1', 'excluded'],
      ['loop6.test', '::1', 'excluded'],
    ],
  );
  const got = Array.from({ length: space.size }, (_, i) => space.at(i));
  assert.deepEqual(
    [...new Map(got.map((t) => [t.ip, t.hostname])).entries()],
    [
      ['127.0.0.1', undefined],
      ['1.1.1.1', 'mixed.test'],
    ],
  );
});

test('an IPv6 target is scanned under its RFC 5952 address; an IPv4-mapped one is excluded', async () => {
  const space = await buildTargetSpace(specs('2A00:1450:4001:0:0:0:0:0001', '2a00:1450:4001::0:2'), ports, {
    blocklist: loadBlocklist(),
  });
  const ips = new Set(Array.from({ length: space.size }, (_, i) => space.at(i).ip));
  assert.deepEqual([...ips].sort(), ['2a00:1450:4001::1', '2a00:1450:4001::2']);
  const mapped = await buildTargetSpace(specs('::FFFF:8.8.8.8'), ports, { blocklist: loadBlocklist() });
  assert.equal(mapped.size, 0, 'it would bypass the IPv4 blocklist');
  assert.equal(mapped.skipped[0]?.status, 'excluded');
});
