// reclassifyScan writes one batch while it judges the next: checked with a real SQLite store whose
// writes are slowed (or made to fail) by a wrapper, so the overlap and every failure point show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/store/index.js';
import { reclassifyScan } from '../../src/store/reclassify.js';
import type { Store, StoredHost } from '../../src/store/store.js';
import type { Observation } from '../../src/core/observation.js';
import { makeObservationRef, makeRecord } from './records.js';

async function seeded(): Promise<{ store: Store; id: number }> {
  const store = await openStore(':memory:');
  const id = await store.createScan({
    name: 'r',
    kind: 'scan',
    source: 'probe',
    series: 'r',
    startedAt: '2025-01-01T00:00:00Z',
    inputs: [],
    options: {},
  });
  const hosts: StoredHost[] = [];
  for (let i = 0; i < 50; i++)
    hosts.push({
      record: makeRecord({ ip: `192.0.2.${i + 1}` }),
      observation: makeObservationRef(`192.0.2.${i + 1}`),
    });
  await store.addHosts(id, hosts);
  return { store, id };
}

/** The real store, with each write delayed by `ms` and the writes named in `fail` rejected (after the delay). */
function slowed(store: Store, ms: number, fail: Set<number>, log: string[]): Store {
  let n = 0;
  return new Proxy(store, {
    get: (target, key, receiver) =>
      key === 'addHosts'
        ? async (id: number, hosts: StoredHost[]) => {
            const k = ++n;
            log.push(`write ${k} start`);
            await new Promise((r) => setTimeout(r, ms));
            if (fail.has(k)) {
              log.push(`write ${k} failed`);
              throw new Error(`write ${k} failed`);
            }
            const refused = await target.addHosts(id, hosts);
            log.push(`write ${k} done`);
            return refused;
          }
        : (Reflect.get(target, key, receiver) as unknown),
  });
}

const rejudge = (log: string[]) => (obs: Observation) => {
  log.push('judge');
  return {
    ...makeRecord({ ip: obs.ip, release: 'Exchange Server 2016 CU23 (re-judged)' }),
    source: obs.source,
  };
};

test('judges the next batch while the previous one is written, and writes every change', async () => {
  const { store, id } = await seeded();
  const log: string[] = [];
  try {
    const r = await reclassifyScan(slowed(store, 30, new Set(), log), id, rejudge(log), { batchSize: 10 });
    assert.equal(r.changed, 50);
    // judging went on between a write's start and its end
    const start = log.indexOf('write 1 start');
    assert.ok(log.slice(start, log.indexOf('write 1 done')).includes('judge'), log.join(', '));
    assert.equal(log.filter((l) => l.endsWith('done')).length, 5);
    for await (const h of store.iterateHosts(id))
      assert.equal(h.record.classification?.release, 'Exchange Server 2016 CU23 (re-judged)');
  } finally {
    await store.close();
  }
});

test('a failed write fails the run, whether it is the last one or fails while the next batch is judged', async () => {
  for (const failing of [2, 5]) {
    const { store, id } = await seeded();
    const log: string[] = [];
    try {
      await assert.rejects(
        reclassifyScan(slowed(store, 20, new Set([failing]), log), id, rejudge(log), { batchSize: 10 }),
        new RegExp(`write ${failing} failed`),
      );
      assert.ok(
        !log.some(
          (l) =>
            /write \d+ start/.test(l) &&
            !log.includes(l.replace('start', 'done')) &&
            !log.includes(l.replace('start', 'failed')),
        ),
        `no write left running: ${log.join(', ')}`,
      );
    } finally {
      await store.close();
    }
  }
});

test('a judging error while a write runs waits for the write; a failed write is reported as the cause', async () => {
  for (const writeFails of [false, true]) {
    const { store, id } = await seeded();
    const log: string[] = [];
    let judged = 0;
    const judge = (obs: Observation) => {
      if (++judged === 15) throw new Error('judge broke');
      return rejudge(log)(obs);
    };
    try {
      await assert.rejects(
        reclassifyScan(slowed(store, 30, writeFails ? new Set([1]) : new Set(), log), id, judge, {
          batchSize: 10,
        }),
        writeFails ? /write 1 failed/ : /judge broke/,
      );
      assert.ok(
        log.includes(writeFails ? 'write 1 failed' : 'write 1 done'),
        `the write settled before the run failed: ${log.join(', ')}`,
      );
    } finally {
      await store.close();
    }
  }
});
