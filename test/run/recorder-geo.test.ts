// Recorder.enrich: the source's geo always wins, and a continent follows from a country whether
// or not geolocation lookups are on (--no-geo) and whether or not the source gave an ASN.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Recorder } from '../../src/run/recorder.js';
import { encodeHost } from '../../src/store/encoded-host.js';
import { createGeoResolver } from '../../src/geo/index.js';
import type { HostRecord } from '../../src/core/host-record.js';

const meta = {
  name: 'geo',
  kind: 'ingest' as const,
  source: 'shodan',
  series: 'geo',
  startedAt: '2025-01-01T00:00:00Z',
  inputs: [],
  options: {},
};
const record = (ip: string, geo?: HostRecord['geo'], asn?: HostRecord['asn']): HostRecord => ({
  ip,
  port: 443,
  source: 'shodan',
  timestamp: '2025-01-01T00:00:00Z',
  status: 'not-exchange',
  isExchange: false,
  suspect: false,
  evidence: { exchange: 'no', confidence: 'low', suspectReasons: [], signals: [], serverNames: [] },
  classification: null,
  ...(geo ? { geo } : {}),
  ...(asn ? { asn } : {}),
});

test('a source country gets its continent with and without lookups, with and without an ASN', async () => {
  for (const geo of [null, createGeoResolver({})]) {
    const recorder = await Recorder.open({ store: null, meta, geo });
    const withAsn = recorder.enrich({
      record: record('192.0.2.1', { country: 'DE', source: 'source' }, { number: 3320, source: 'source' }),
    });
    assert.equal(withAsn.record.geo?.continent, 'EU');
    const noAsn = recorder.enrich({ record: record('192.0.2.2', { country: 'JP', source: 'source' }) });
    assert.equal(noAsn.record.geo?.continent, 'AS', `lookups ${geo ? 'on' : 'off'}`);
    assert.equal(noAsn.record.geo?.source, 'source');
    // a host the store already encoded (an ingest thread did) is handed on untouched
    const encoded = encodeHost({
      record: record(
        '192.0.2.3',
        { country: 'FR', continent: 'EU', source: 'source' },
        { number: 16276, source: 'source' },
      ),
      observation: { kind: 'line', reader: 'shodan', text: '{}' },
    });
    const kept = recorder.enrich(encoded);
    assert.equal(kept, encoded);
    assert.equal(kept.json, encodeHost({ record: kept.record }).json, 'its record matches its JSON');
  }
});
