import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CUBES_BY_SIZE, HOSTS, pickCube } from '../../src/store/cubes.js';
import { FILTERS, GROUPINGS } from './census-equivalence.js';

const table = (...a: Parameters<typeof pickCube>) => pickCube(...a).table;

describe('pickCube', () => {
  it('answers geo, product and status queries from the per-family geo cube', () => {
    assert.equal(table(['product', 'continent', 'country'], undefined), 'census_geo');
    assert.equal(table([], { eol: true, status: ['exchange'] }), 'census_geo');
    assert.equal(table(['release', 'eol'], { country: ['DE'] }), 'census_geo');
  });

  it('answers network queries from the ASN cubes', () => {
    assert.equal(table(['asn'], undefined), 'census_asn');
    assert.equal(table(['product'], { asn: [3320], eol: false }), 'census_asn');
    assert.equal(table(['asn'], { family: ['ProxyShell'] }), 'census_asn_mask');
  });

  it('needs masks for family grouping and filters', () => {
    assert.equal(table(['family'], undefined), 'census_family_mask');
    assert.equal(
      table([], { family: ['ProxyShell'], product: ['Exchange Server 2013'] }),
      'census_family_mask',
    );
    assert.equal(table(['family', 'country'], undefined), 'census_summary');
  });

  it("answers a country's networks (and a network's countries) from the networks-by-country cube", () => {
    assert.equal(table(['asn'], { country: ['US'] }), 'census_geo_asn_mask');
    assert.equal(table(['asn'], { continent: ['EU'], country: ['DE'], eol: true }), 'census_geo_asn_mask');
    assert.equal(table(['asn', 'country'], undefined), 'census_geo_asn_mask');
    assert.equal(table(['country'], { asn: [3320], family: ['ProxyShell'] }), 'census_geo_asn_mask');
  });

  it('falls back to the host table when no cube has every column', () => {
    assert.equal(table(['asn', 'release'], undefined), HOSTS.table);
    assert.equal(table(['release'], { asn: [1] }), HOSTS.table);
    assert.match(
      HOSTS.table,
      /FROM hosts\b[\s\S]*UNION ALL[\s\S]*FROM plain_counts/,
      'host rows and counted records',
    );
  });

  it('the equivalence matrix reaches every cube', () => {
    const reached = new Set(GROUPINGS.flatMap((g) => FILTERS.map((f) => table(g, f))));
    assert.deepEqual([...reached].sort(), CUBES_BY_SIZE.map((c) => c.table).sort());
  });
});
