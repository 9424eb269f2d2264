import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { continentName, continentOf, countryName, GEO_ATTRIBUTION } from '../../src/geo/index.js';

describe('country and continent names', () => {
  it('maps countries to continents and names', () => {
    assert.equal(continentOf('DE'), 'EU');
    assert.equal(continentOf('us'), 'NA');
    assert.equal(continentOf('JP'), 'AS');
    assert.equal(continentOf('BR'), 'SA');
    assert.equal(continentOf('XX'), undefined);
    assert.equal(continentName('EU'), 'Europe');
    assert.equal(continentName('NA'), 'North America');
    assert.equal(continentName('OC'), 'Oceania');
    assert.equal(continentName('ZZ'), 'ZZ');
    assert.equal(countryName('DE'), 'Germany');
    assert.equal(countryName('GB'), 'United Kingdom');
    assert.equal(countryName('XX'), 'XX');
  });

  it('names every data source the licence requires', () => {
    for (const s of ['RouteViews', 'DB-IP', 'https://db-ip.com', 'NRO', 'CC BY 4.0'])
      assert.ok(GEO_ATTRIBUTION.includes(s), s);
  });
});
