// Read-back fidelity, run against every adapter: plain records (stored as columns only) and
// records with JSON come back from iterateHosts exactly as written, also after replacements,
// and a real ingest (ingestFiles + Recorder, geo on) reads back record for record.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { HostRecord } from '../../src/core/host-record.js';
import { hostRecordToWire } from '../../src/core/wire.js';
import type { Store, StoredHost } from '../../src/store/store.js';
import { encodeHost, isEncoded, type EncodedHost } from '../../src/store/encoded-host.js';
import type { Observation } from '../../src/core/observation.js';
import { hostRecordFromWire } from '../../src/store/record-codec.js';
import { isPlainRecord } from '../../src/store/plain-record.js';
import { plainColsRecord, sharedEmptyEvidence } from '../../src/ingest/transport/plain-columns.js';
import { ingestFiles } from '../../src/ingest/pipeline.js';
import { createGeoResolver } from '../../src/geo/index.js';
import { Recorder } from '../../src/run/recorder.js';
import { generateShodanFile } from '../../bench/gen-shodan.js';
import { makeObservationRef, makeRecord } from './records.js';
import { meta, type StoreFactory } from './conformance.js';

const viaJson = (r: HostRecord): HostRecord =>
  hostRecordFromWire(JSON.parse(JSON.stringify(hostRecordToWire(r))) as Record<string, unknown>);
const noEvidence = (): HostRecord['evidence'] => ({
  exchange: 'no',
  confidence: 'low',
  suspectReasons: [],
  signals: [],
  serverNames: [],
});

/** Plain records of every shape: optional fields present, absent and empty. */
export function plainRecords(): HostRecord[] {
  const base = (ip: string): HostRecord => ({
    ip,
    port: 443,
    source: 'shodan',
    timestamp: '2025-11-20T10:00:00Z',
    status: 'not-exchange',
    isExchange: false,
    suspect: false,
    evidence: noEvidence(),
    classification: null,
  });
  const full = base('192.0.2.50');
  full.hostname = 'mail.example.net';
  full.geo = { country: 'DE', continent: 'EU', region: 'Hesse', city: 'Frankfurt am Main', source: 'source' };
  full.asn = { number: 3320, org: 'Deutsche Telekom AG', source: 'embedded' };
  const bare = base('192.0.2.51');
  const empties = base('192.0.2.52');
  empties.hostname = '';
  empties.geo = { country: '', source: 'source' };
  empties.asn = { number: 0, org: '', source: 'source' };
  const cityOnly = {
    ...base('192.0.2.53'),
    port: 8443,
    geo: { city: 'Lyon', source: 'source' },
    asn: { number: 4294967295, source: 'user-db' },
  };
  const refused: HostRecord = {
    ...base('2001:db8::1'),
    port: 25,
    source: 'probe',
    status: 'refused',
    evidence: { ...noEvidence(), confidence: 'high' },
  };
  const lite = plainColsRecord(
    [
      '198.51.100.9',
      80,
      'web.example.org',
      '2024-01-02T03:04:05.000000',
      'BR',
      '',
      'Sao Paulo',
      28573,
      'Claro S.A.',
    ],
    0,
    sharedEmptyEvidence(noEvidence()),
    'shodan',
  );
  return [full, bare, empties, cityOnly, refused, lite];
}

async function readAll(store: Store, scanId: number): Promise<Map<string, StoredHost>> {
  const out = new Map<string, StoredHost>();
  for await (const h of store.iterateHosts(scanId)) out.set(`${h.record.ip}:${h.record.port}`, h);
  return out;
}

export function roundTrip(label: string, factory: StoreFactory): void {
  describe(`Store read-back: ${label}`, () => {
    let store: Store;
    const dir = mkdtempSync(join(tmpdir(), 'excensus-roundtrip-'));
    before(async () => {
      store = await factory();
    });
    after(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('gives back plain records (no JSON stored) exactly as written and as the JSON form would', async () => {
      const records = plainRecords();
      for (const r of records) assert.ok(isPlainRecord(r), r.ip);
      const id = await store.createScan(meta());
      await store.addHosts(
        id,
        records.map((record) => ({ record })),
      );
      const back = await readAll(store, id);
      assert.equal(back.size, records.length);
      for (const r of records) {
        const got = back.get(`${r.ip}:${r.port}`);
        assert.ok(got, r.ip);
        assert.deepEqual(got.record, r);
        assert.deepEqual(got.record, viaJson(r));
        assert.equal(got.observation, undefined);
      }
    });

    it('tells plain records from those that need their JSON', () => {
      const [plain] = plainRecords() as [HostRecord];
      assert.equal(isPlainRecord(makeRecord({ ip: '192.0.2.1' })), false);
      assert.equal(
        isPlainRecord(makeRecord({ ip: '192.0.2.1', kind: 'timeout' })),
        false,
        'a status detail has no column',
      );
      assert.equal(isPlainRecord({ ...plain, probes: [] }), false);
      assert.equal(
        isPlainRecord({ ...plain, evidence: { ...plain.evidence, serverNames: ['EXCH01'] } }),
        false,
      );
      assert.equal(
        isPlainRecord({ ...plain, evidence: { ...plain.evidence, revisionIsLowerBound: false } }),
        false,
      );
    });

    it('replaces a target across both forms: full -> plain -> full, with observations kept or dropped', async () => {
      const id = await store.createScan(meta());
      const [plain] = plainRecords() as [HostRecord];
      const rich = makeRecord({ ip: plain.ip, vulns: [['ProxyShell', 'vulnerable']] });
      await store.addHosts(id, [{ record: rich, observation: makeObservationRef(plain.ip) }]);
      await store.addHosts(id, [{ record: plain }]);
      let back = await readAll(store, id);
      assert.equal(back.size, 1);
      assert.deepEqual(back.get(`${plain.ip}:443`), { record: plain });
      await store.finishScan(id, 'complete');
      assert.deepEqual((await store.getScan(id))?.counts, { hosts: 1, exchange: 0, suspect: 0 });
      await store.addHosts(id, [
        { record: rich, observation: makeObservationRef(plain.ip) },
        { record: plainRecords()[1] as HostRecord },
      ]);
      back = await readAll(store, id);
      assert.equal(back.size, 2);
      assert.deepEqual(back.get(`${plain.ip}:443`), {
        record: viaJson(rich),
        observation: makeObservationRef(plain.ip),
      });
      // A plain record that came with an observation keeps it (so reclassify can re-judge it).
      await store.addHosts(id, [{ record: plain, observation: makeObservationRef(plain.ip) }]);
      assert.deepEqual((await readAll(store, id)).get(`${plain.ip}:443`), {
        record: plain,
        observation: makeObservationRef(plain.ip),
      });
    });

    it('reads back a real ingest record for record (generated Shodan file, geo filled, observations kept)', async () => {
      const file = join(dir, 'shodan.jsonl');
      await generateShodanFile(file, 600, 7);
      const scanMeta = meta();
      const recorder = await Recorder.open({
        store,
        meta: scanMeta,
        geo: createGeoResolver({}),
        nameGiven: true,
        batchSize: 128,
      });
      const written = new Map<string, StoredHost | EncodedHost>();
      await ingestFiles(
        [file],
        { asOf: '2024-06-01', workers: 0, keepObservations: true, defaultTimestamp: '2024-06-01T00:00:00Z' },
        async (batch) => {
          await recorder.add(batch);
          for (const h of batch) written.set(`${h.record.ip}:${h.record.port}`, h);
        },
      );
      await recorder.finish('complete');
      const back = await readAll(store, recorder.scanId as number);
      assert.equal(back.size, written.size);
      let plain = 0;
      let lines = 0;
      for (const [key, h] of written) {
        const got = back.get(key);
        assert.ok(got, key);
        if (isPlainRecord(h.record) && storedForm(h) === undefined) plain++;
        assert.deepEqual(got.record, viaJson(h.record), key);
        assert.deepEqual(got.observation, storedForm(h), key);
        if (got.observation?.kind === 'line') lines++;
      }
      assert.ok(lines > 0, 'judged records keep their source line');
      assert.ok(plain > written.size / 2, `most generated records are plain (${plain} of ${written.size})`);
      assert.ok(plain < written.size, 'some generated records carry evidence');
    });
  });
}

/** What the store gives back for a host it was handed: the observation it keeps, as it reads it. */
function storedForm(h: StoredHost | EncodedHost): StoredHost['observation'] {
  const e = isEncoded(h) ? h : encodeHost(h);
  if (e.observation === null) return undefined;
  const text = typeof e.observation === 'string' ? e.observation : new TextDecoder().decode(e.observation);
  return e.reader !== null
    ? { kind: 'line', reader: e.reader, text }
    : { kind: 'object', observation: JSON.parse(text) as Observation };
}
