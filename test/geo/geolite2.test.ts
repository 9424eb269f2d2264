// The user's own MaxMind GeoLite2 databases (--geo-country-db, --geo-asn-db): files laid out as
// GeoLite2 Country, City and ASN are written here (test/helpers/mmdb-writer.ts) and read through
// the resolver and through `excensus ingest`.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGeoResolver } from '../../src/geo/index.js';
import { ConfigError } from '../../src/core/errors.js';
import { openStore } from '../../src/store/index.js';
import { runCli } from '../helpers/cli.js';
import { writeMmdb } from '../helpers/mmdb-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-geolite2-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const place = (iso: string, name: string) => ({ geoname_id: 1, iso_code: iso, names: { en: name } });
const countryDb = join(dir, 'GeoLite2-Country.mmdb');
writeMmdb(countryDb, 'GeoLite2-Country', [
  [
    '81.0.0.0/8',
    {
      continent: { code: 'EU', geoname_id: 6255148, names: { en: 'Europe' } },
      country: place('DE', 'Germany'),
      registered_country: place('DE', 'Germany'),
    },
  ],
  // no located country: the registered one stands in
  [
    '41.0.0.0/8',
    { continent: { code: 'AF', names: { en: 'Africa' } }, registered_country: place('ZA', 'South Africa') },
  ],
  // a country without a continent: derived from the country
  ['130.0.0.0/8', { country: place('JP', 'Japan') }],
]);
const cityDb = join(dir, 'GeoLite2-City.mmdb');
writeMmdb(cityDb, 'GeoLite2-City', [
  [
    '81.0.0.0/8',
    {
      city: { names: { en: 'Bonn' } },
      continent: { code: 'EU' },
      country: place('DE', 'Germany'),
      location: { time_zone: 'Europe/Berlin' },
    },
  ],
]);
const asnDb = join(dir, 'GeoLite2-ASN.mmdb');
writeMmdb(asnDb, 'GeoLite2-ASN', [
  ['81.0.0.0/8', { autonomous_system_number: 3320, autonomous_system_organization: 'Deutsche Telekom AG' }],
  ['130.0.0.0/8', { autonomous_system_number: 2516 }],
]);

describe('GeoLite2 databases of the user', () => {
  it('reads country, continent and network from GeoLite2 Country/City and ASN files', () => {
    const r = createGeoResolver({ countryDb, asnDb });
    assert.deepEqual(r.lookup('81.1.2.3'), {
      geo: { country: 'DE', continent: 'EU', source: 'user-db' },
      asn: { number: 3320, org: 'Deutsche Telekom AG', source: 'user-db' },
    });
    assert.deepEqual(r.lookup('41.1.2.3'), { geo: { country: 'ZA', continent: 'AF', source: 'user-db' } });
    assert.deepEqual(r.lookup('130.1.2.3'), {
      geo: { country: 'JP', continent: 'AS', source: 'user-db' },
      asn: { number: 2516, source: 'user-db' },
    });
    assert.deepEqual(r.lookup('9.9.9.9'), {}, 'an address the files do not cover');
    assert.deepEqual(r.lookup('2001:4860:4860::8888'), {}, 'IPv6 outside the files: nothing, no error');
    assert.deepEqual(createGeoResolver({ countryDb: cityDb }).lookup('81.1.2.3').geo, {
      country: 'DE',
      continent: 'EU',
      source: 'user-db',
    });
  });

  it('refuses a database of the wrong kind with a configuration error', () => {
    assert.throws(
      () => createGeoResolver({ countryDb: asnDb }).lookup('81.1.2.3'),
      (e: unknown) =>
        e instanceof ConfigError && /GeoLite2-ASN database, not a country database/.test(e.message),
    );
    assert.throws(
      () => createGeoResolver({ asnDb: countryDb }).lookup('81.1.2.3'),
      (e: unknown) => e instanceof ConfigError && /not a asn database/.test(e.message),
    );
  });

  it('excensus ingest stores geo and network from them, saying so', async () => {
    const csv = join(dir, 'targets.csv');
    writeFileSync(csv, 'ip,port,hostname,build\n81.1.2.3,443,mail.example.de,15.1.2507.6\n');
    const db = join(dir, 'store.db');
    const res = await runCli([
      'ingest',
      csv,
      '--db',
      db,
      '--name',
      'own-geo',
      '--as-of',
      '2026-01-01',
      '--geo-country-db',
      countryDb,
      '--geo-asn-db',
      asnDb,
    ]);
    assert.equal(res.code, 0, res.stderr);
    const store = await openStore(db);
    try {
      const scan = await store.getScan('own-geo');
      const hosts = [];
      for await (const h of store.iterateHosts(scan!.id)) hosts.push(h.record);
      assert.deepEqual(
        [hosts[0]?.geo, hosts[0]?.asn],
        [
          { country: 'DE', continent: 'EU', source: 'user-db' },
          { number: 3320, org: 'Deutsche Telekom AG', source: 'user-db' },
        ],
      );
      const [de] = await store.census({ scanId: scan!.id, groupBy: ['country'], asOf: '2026-01-01' });
      assert.equal(de?.group.country, 'DE');
    } finally {
      await store.close();
    }
  });
});
