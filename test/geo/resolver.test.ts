// Lookups against the pinned @ip-location-db snapshot (package version fixed in package.json).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { createGeoResolver } from '../../src/geo/index.js';
import { buildAsnIndex, lookupAsnV4, lookupAsnV6 } from '../../src/geo/asn-index.js';
import { ConfigError } from '../../src/core/errors.js';

const resolver = createGeoResolver();
const countryMmdb = createRequire(import.meta.url).resolve(
  '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb',
);

describe('geo resolver (embedded data)', () => {
  it('resolves IPv4 and IPv6 to country, continent and network', () => {
    assert.deepEqual(resolver.lookup('8.8.8.8'), {
      geo: { country: 'US', continent: 'NA', source: 'embedded' },
      asn: { number: 15169, org: 'Google LLC', source: 'embedded' },
    });
    assert.deepEqual(resolver.lookup('1.1.1.1').asn, {
      number: 13335,
      org: 'Cloudflare, Inc.',
      source: 'embedded',
    });
    assert.equal(resolver.lookup('2001:4860:4860::8888').asn?.number, 15169);
    assert.equal(resolver.lookup('2001:4860:4860::8888').geo?.continent, 'NA');
    assert.equal(resolver.lookup('::ffff:8.8.8.8').asn?.number, 15169);
  });

  it('resolves loopback, private and malformed addresses to nothing', () => {
    for (const ip of [
      '127.0.0.1',
      '127.8.9.10',
      '10.1.2.3',
      '192.168.0.1',
      '172.20.1.1',
      '100.64.1.1',
      '169.254.1.1',
      '192.0.2.1',
      '::1',
      '::',
      'fd00::1',
      'fe80::1',
      '2001:db8::1',
      '::ffff:192.168.1.1',
      '',
      'mail.example.com',
      '300.1.1.1',
    ]) {
      assert.deepEqual(resolver.lookup(ip), {}, ip);
    }
  });

  it('keeps geo the source carried and fills only what is missing', () => {
    const shodanGeo = { country: 'DE', city: 'Berlin', source: 'source' };
    const filled = resolver.fill('8.8.8.8', { geo: shodanGeo });
    assert.deepEqual(filled.geo, { country: 'DE', city: 'Berlin', continent: 'EU', source: 'source' });
    assert.equal(filled.asn?.number, 15169);
    const both = resolver.fill('8.8.8.8', { geo: shodanGeo, asn: { number: 3320, source: 'source' } });
    assert.deepEqual(both.asn, { number: 3320, source: 'source' });
    assert.deepEqual(resolver.fill('8.8.8.8', {}).geo, {
      country: 'US',
      continent: 'NA',
      source: 'embedded',
    });
    assert.deepEqual(resolver.fill('10.0.0.1', { geo: { city: 'Lab', source: 'lab' } }), {
      geo: { city: 'Lab', source: 'lab' },
    });
  });

  it('accepts user .mmdb files by type and refuses the wrong kind', () => {
    const user = createGeoResolver({ countryDb: countryMmdb });
    assert.deepEqual(user.lookup('8.8.8.8').geo, { country: 'US', continent: 'NA', source: 'user-db' });
    const wrong = createGeoResolver({ asnDb: countryMmdb });
    assert.throws(
      () => wrong.lookup('8.8.8.8'),
      (e: unknown) => e instanceof ConfigError && /not a asn database/.test(e.message),
    );
    const missing = createGeoResolver({ countryDb: '/nonexistent/GeoLite2-Country.mmdb' });
    assert.throws(
      () => missing.lookup('8.8.8.8'),
      (e: unknown) => e instanceof ConfigError && e.code === 'E_GEO_DB',
    );
  });
});

describe('ASN range index', () => {
  const v4 = [
    '16777216,16777471,13335,"Cloudflare, Inc."',
    '16778240,16779263,38803,Gtelecom Pty Ltd',
    '100,200,721,Outer "wide" range',
    'garbage',
    '150,160,27066,"Inner ""nested"" range"',
    '300,400,0,unrouted',
  ];
  // The snapshot is sorted by start; nested ranges appear in it (DoD blocks).
  const sorted = [v4[2], v4[4], v4[5], v4[0], v4[1], v4[3]].join('\n');
  const v6 = [
    '42540528726795050063891204319802818560,42540528806023212578155541913346768895,2500,WIDE Project',
    'x,y,z,w',
  ].join('\n');
  const { index, skipped } = buildAsnIndex(sorted, v6);

  it('parses rows, quoted organisations and counts bad rows', () => {
    assert.equal(skipped, 2);
    assert.equal(index.v4Start.length, 5);
    assert.deepEqual(lookupAsnV4(index, 16777300, 'embedded'), {
      number: 13335,
      org: 'Cloudflare, Inc.',
      source: 'embedded',
    });
    assert.equal(lookupAsnV4(index, 155, 'e')?.org, 'Inner "nested" range');
  });

  it('finds the wider range after a nested one, and nothing in gaps', () => {
    assert.equal(lookupAsnV4(index, 170, 'e')?.number, 721);
    assert.equal(lookupAsnV4(index, 99, 'e'), undefined);
    assert.equal(lookupAsnV4(index, 250, 'e'), undefined);
    assert.equal(lookupAsnV4(index, 350, 'e'), undefined); // AS0
    assert.equal(lookupAsnV4(index, 16777472, 'e'), undefined);
    assert.equal(lookupAsnV6(index, 42540528726795050063891204319802818561n, 'e')?.number, 2500);
    assert.equal(lookupAsnV6(index, 1n, 'e'), undefined);
  });
});
