// Encoded hosts cross between threads as columns: what arrives must be the host that was sent, in
// its place among the others, whatever optional fields it has or lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import {
  mergeEncodedCols,
  crossesAsColumns,
  takeEncodedCols,
  type EncodedCols,
} from '../../src/ingest/transport/encoded-columns.js';
import type { EncodedHost, StoredHost } from '../../src/store/index.js';
import type { HostRecord } from '../../src/core/host-record.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function record(i: number, extra: Partial<HostRecord> = {}, evidence: Partial<HostRecord['evidence']> = {}) {
  const r: HostRecord = {
    ip: `192.0.2.${i}`,
    port: 443,
    source: 'shodan',
    timestamp: '2024-01-01T00:00:00Z',
    status: 'exchange',
    isExchange: true,
    suspect: false,
    evidence: {
      exchange: 'yes',
      confidence: 'high',
      suspectReasons: [],
      signals: [],
      serverNames: [],
      ...evidence,
    },
    classification: null,
    ...extra,
  };
  return r;
}

/** A host as an ingest thread encodes it: its JSON, and its source line as bytes. */
function encoded(i: number, extra: Partial<HostRecord> = {}, evidence: Partial<HostRecord['evidence']> = {}) {
  const host: EncodedHost = {
    record: record(i, extra, evidence),
    json: `{"ip":"192.0.2.${i}"}`,
    observation: bytes(`{"line":${i},"é":"ü"}`),
    reader: 'shodan',
  };
  return host;
}

/** A host with its observation bytes as text, comparable whatever kind of byte array holds them. */
function comparable(h: StoredHost | EncodedHost): unknown {
  const text = (b: unknown) => (b instanceof Uint8Array ? `bytes:${Buffer.from(b).toString('utf8')}` : b);
  return 'json' in h ? { ...h, observation: text(h.observation) } : h;
}

test('encoded hosts cross as columns and come back equal, in their places, with every optional field', () => {
  const hosts: Array<StoredHost | EncodedHost> = [
    { record: record(1) }, // not encoded: stays an object
    encoded(2),
    encoded(
      3,
      {
        hostname: 'mail.example.org',
        statusDetail: 'detail',
        geo: { country: 'DE', continent: 'EU', region: 'Hesse', city: 'Frankfurt', source: 'user-db' },
        asn: { number: 3320, org: 'DTAG', source: 'embedded' },
      },
      { build: '15.2.1544.4', precision: 'full', revisionIsLowerBound: true },
    ),
    encoded(
      4,
      {
        geo: { source: 'source' },
        asn: { number: 0, source: 'source' },
        status: 'suspect',
        isExchange: false,
        suspect: true,
      },
      { exchange: 'suspect', confidence: 'low', precision: 'product' },
    ),
    { ...encoded(5), observation: bytes('{"ip":"192.0.2.5"}'), reader: null },
    { record: record(6), observation: { kind: 'line', reader: 'shodan', text: bytes('x') } }, // not encoded
    encoded(7, { geo: { country: '', source: 'source' } }, { build: '15.1.2507.6', precision: 'cu' }),
  ];
  const taken = takeEncodedCols(hosts);
  assert.ok(taken);
  assert.equal(taken.rest.length, 2);
  assert.deepEqual(taken.cols.at, [1, 2, 3, 4, 6]);
  // through a structured clone, as between threads (postMessage moves the bytes' buffer instead of copying it)
  const arrived = deserialize(serialize(taken)) as {
    rest: Array<StoredHost | EncodedHost>;
    cols: EncodedCols;
  };
  const merged = mergeEncodedCols(arrived.rest, arrived.cols);
  assert.equal(merged.length, hosts.length);
  assert.deepEqual(merged.map(comparable), hosts.map(comparable));
});

test('a block with no encoded host takes nothing; encoded hosts at the start and end keep their places', () => {
  assert.equal(takeEncodedCols([{ record: record(1) }]), null);
  assert.equal(takeEncodedCols([]), null);
  const hosts = [encoded(1), { record: record(2) }, { record: record(3) }, encoded(4)];
  const taken = takeEncodedCols(hosts)!;
  assert.deepEqual(taken.cols.at, [0, 3]);
  assert.deepEqual(mergeEncodedCols(taken.rest, taken.cols).map(comparable), hosts.map(comparable));
  const all = [encoded(1), encoded(2)];
  const t2 = takeEncodedCols(all)!;
  assert.equal(t2.rest.length, 0);
  assert.deepEqual(mergeEncodedCols(t2.rest, t2.cols).map(comparable), all.map(comparable));
});

test('hosts the columns cannot carry stay objects', () => {
  assert.equal(crossesAsColumns(encoded(1)), true);
  assert.equal(
    crossesAsColumns({ record: record(1), observation: { kind: 'json', json: bytes('{}') } }),
    false,
    'not encoded',
  );
  assert.equal(crossesAsColumns({ ...encoded(1), record: { ...record(1), probes: [] } }), false, 'probes');
  assert.equal(crossesAsColumns({ ...encoded(1), observation: 'as text' }), false, 'text, not bytes');
  assert.equal(crossesAsColumns({ ...encoded(1), observation: null, reader: null }), false, 'no observation');
});
