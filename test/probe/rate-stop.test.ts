// A stop reaches hosts that wait for their rate slot: with more hosts in flight than targets, every
// target is taken from the order at once and waits for the rate; a stop must leave them unprobed
// (for the resume), not probe them one by one at the rate until the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildTargetSpace,
  loadBlocklist,
  parseTargetSpec,
  runScan,
  type TargetSpec,
} from '../../src/probe/index.js';
import { closedPort } from './helpers/servers.js';
import { testScanOptions } from './helpers/scan-opts.js';

test('a stop leaves hosts waiting for the rate unprobed and marks the scan interrupted', async () => {
  const port = await closedPort('127.61.30.1');
  const space = await buildTargetSpace(
    [parseTargetSpec('127.61.30.1-127.61.30.40') as TargetSpec],
    [{ port, protocol: 'http' }],
    {
      blocklist: loadBlocklist(),
    },
  );
  const stop = new AbortController();
  let records = 0;
  const summary = await runScan(
    { space, seed: 1, shard: { index: 1, count: 1 } },
    // 2 hosts/s: the 40 targets would take 20 s
    testScanOptions({ rate: 2, concurrency: 100, signal: stop.signal }),
    () => {
      if (++records === 1) stop.abort();
    },
  );
  assert.equal(summary.interrupted, true);
  assert.ok(summary.probed < 5, `probed ${summary.probed} of 40 after the stop`);
});
