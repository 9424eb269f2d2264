// A resumed scan keeps the dates of its earlier runs: interrupted on one day and resumed later,
// it is dated from its first probes, not only by the resumed run's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import { runCli } from '../helpers/cli.js';
import { openStore } from '../../src/store/index.js';

test('a resumed scan is dated from the first run on', async () => {
  const srv = createServer((_req, res) => res.end('<html>hello</html>'));
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as { port: number }).port;
  const srv2 = createServer((_req, res) => res.end('<html>hello</html>'));
  await new Promise<void>((resolve) => srv2.listen(0, '127.0.0.1', resolve));
  const port2 = (srv2.address() as { port: number }).port;
  const db = join(mkdtempSync(join(tmpdir(), 'excensus-resume-dates-')), 's.db');
  const scan = (ports: number[], extra: string[]) =>
    runCli([
      'scan',
      '127.0.0.1',
      '-p',
      ports.map((p) => `http:${p}`).join(','),
      '--db',
      db,
      '--rate',
      '0',
      '--quiet',
      ...extra,
    ]);
  try {
    const first = await scan([port], ['--name', 's']);
    assert.equal(first.code, 0, first.stderr);
    // as if the first run had been interrupted on 1 December
    const early = { first: '2026-12-01T08:00:00.000Z', last: '2026-12-01T09:00:00.000Z' };
    let store = await openStore(db);
    const id = (await store.getScan('s'))!.id;
    await store.setObservedWindow(id, early);
    await store.finishScan(id, 'interrupted');
    await store.close();

    // the resumed run probes the target the first one did not reach
    const resumed = await scan([port, port2], ['--resume-scan', 's']);
    assert.equal(resumed.code, 0, resumed.stderr);
    store = await openStore(db);
    try {
      const info = (await store.getScan('s'))!;
      assert.equal(info.state, 'complete');
      assert.equal(info.observed?.first, early.first);
      assert.ok(info.observed!.last > early.last, 'and to the probes of the resumed run');
    } finally {
      await store.close();
    }
  } finally {
    srv.close();
    srv2.close();
  }
});
