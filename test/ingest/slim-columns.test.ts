// Slim records cross between threads as columns: what arrives must be the host that was sent, in
// its place among the others, whatever optional fields it has or lacks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deserialize, serialize } from 'node:v8';
import { mergeSlim, slimmable, takeSlim, type SlimBlock } from '../../src/ingest/slim-columns.js';
import type { StoredHost } from '../../src/store/store.js';
import type { HostRecord } from '../../src/core/host-record.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

function slimHost(
  i: number,
  extra: Partial<HostRecord> = {},
  evidence: Partial<HostRecord['evidence']> = {},
): StoredHost {
  const record: HostRecord = {
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
  return {
    record,
    observationLine: { reader: 'shodan', text: bytes(`{"line":${i},"é":"ü"}`) },
    recordJson: `{"ip":"192.0.2.${i}"}`,
    recordSlim: true,
  };
}

/** A host with its observation bytes as text, comparable whatever kind of byte array holds them. */
function comparable(h: StoredHost): unknown {
  const text = (b: string | Uint8Array | undefined) =>
    b instanceof Uint8Array ? `bytes:${Buffer.from(b).toString('utf8')}` : b;
  return {
    ...h,
    ...(h.observationLine
      ? { observationLine: { ...h.observationLine, text: text(h.observationLine.text) } }
      : {}),
    ...(h.observationJson !== undefined ? { observationJson: text(h.observationJson) } : {}),
  };
}

test('slim hosts cross as columns and come back equal, in their places, with every optional field', () => {
  const hosts: StoredHost[] = [
    { record: slimHost(1).record }, // not slim: stays an object
    slimHost(2),
    slimHost(
      3,
      {
        hostname: 'mail.example.org',
        statusDetail: 'detail',
        geo: { country: 'DE', continent: 'EU', region: 'Hesse', city: 'Frankfurt', source: 'user-db' },
        asn: { number: 3320, org: 'DTAG', source: 'embedded' },
      },
      { build: '15.2.1544.4', precision: 'full', revisionIsLowerBound: true },
    ),
    slimHost(
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
    { ...slimHost(5), observationLine: undefined, observationJson: bytes('{"ip":"192.0.2.5"}') },
    { ...slimHost(6), recordJson: undefined, recordSlim: undefined }, // no JSON: stays an object
    slimHost(7, { geo: { country: '', source: 'source' } }, { build: '15.1.2507.6', precision: 'cu' }),
  ];
  for (const h of hosts) if (h.observationLine === undefined) delete h.observationLine;
  for (const h of hosts) {
    if (h.recordSlim === undefined) delete h.recordSlim;
    if (h.recordJson === undefined) delete h.recordJson;
  }
  const taken = takeSlim(hosts);
  assert.ok(taken);
  assert.equal(taken.rest.length, 2);
  assert.deepEqual(taken.slim.at, [1, 2, 3, 4, 6]);
  // through a structured clone, as between threads (postMessage moves the bytes' buffer instead of copying it)
  const arrived = deserialize(serialize(taken)) as { rest: StoredHost[]; slim: SlimBlock };
  const merged = mergeSlim(arrived.rest, arrived.slim);
  assert.equal(merged.length, hosts.length);
  assert.deepEqual(merged.map(comparable), hosts.map(comparable));
});

test('a block with no slim host takes nothing; slim hosts at the start and end keep their places', () => {
  assert.equal(takeSlim([{ record: slimHost(1).record }]), null);
  assert.equal(takeSlim([]), null);
  const hosts = [slimHost(1), { record: slimHost(2).record }, { record: slimHost(3).record }, slimHost(4)];
  const taken = takeSlim(hosts)!;
  assert.deepEqual(taken.slim.at, [0, 3]);
  assert.deepEqual(mergeSlim(taken.rest, taken.slim).map(comparable), hosts.map(comparable));
  const all = [slimHost(1), slimHost(2)];
  const t2 = takeSlim(all)!;
  assert.equal(t2.rest.length, 0);
  assert.deepEqual(mergeSlim(t2.rest, t2.slim).map(comparable), all.map(comparable));
});

test('hosts the columns cannot carry stay objects', () => {
  assert.equal(slimmable(slimHost(1)), true);
  assert.equal(slimmable({ ...slimHost(1), recordJson: undefined }), false, 'no JSON');
  assert.equal(slimmable({ ...slimHost(1), record: { ...slimHost(1).record, probes: [] } }), false, 'probes');
  assert.equal(
    slimmable({ ...slimHost(1), observationLine: { reader: 'shodan', text: 'as text' } }),
    false,
    'text, not bytes',
  );
  assert.equal(
    slimmable({ record: slimHost(1).record, recordJson: '{}', recordSlim: true }),
    false,
    'no observation',
  );
});
