import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimiter } from '../../src/probe/rate-limiter.js';
import { progressLine } from '../../src/probe/progress-line.js';
import {
  buildTargetSpace,
  loadBlocklist,
  parseTargetSpec,
  runScan,
  type TargetSpec,
} from '../../src/probe/index.js';
import { sameOriginPath } from '../../src/probe/redirect.js';
import { closedPort, startHttpServer } from './helpers/servers.js';
import { testScanOptions } from './helpers/scan-opts.js';

test('the rate limiter spaces host starts (a lower bound only: never flaky under load)', async () => {
  const limiter = new RateLimiter(200);
  const t0 = performance.now();
  for (let i = 0; i < 11; i++) await limiter.take();
  assert.ok(performance.now() - t0 >= 45, 'ten gaps of 5 ms');
  const free = new RateLimiter(0);
  await free.take();
});

test('progress line: percentage, rate and ETA', () => {
  assert.equal(
    progressLine(50, 200, 10, 10_000),
    '[######..................] 25% 50/200 5 hosts/s 10 in flight ETA 0m30s',
  );
  assert.match(progressLine(0, 10, 0, 0), /0% 0\/10 0 hosts\/s/);
});

test('redirects stay on the origin', () => {
  const o = { ip: '127.0.0.5', port: 8443, tls: true };
  assert.equal(sameOriginPath('/owa/auth/logon.aspx?a=1', o, '/owa/'), '/owa/auth/logon.aspx?a=1');
  assert.equal(sameOriginPath('https://127.0.0.5:8443/x', o, '/owa/'), '/x');
  assert.equal(sameOriginPath('auth/x', o, '/owa/'), '/owa/auth/x');
  assert.equal(sameOriginPath('https://127.0.0.6:8443/x', o, '/'), null);
  assert.equal(sameOriginPath('http://127.0.0.5:8443/x', o, '/'), null);
  assert.equal(sameOriginPath('https://127.0.0.5/x', o, '/'), null);
  assert.equal(sameOriginPath('//evil.example/x', o, '/'), null);
  assert.equal(sameOriginPath(undefined, o, '/'), null);
  assert.equal(
    sameOriginPath('https://MAIL.lab.test:8443/x', { ...o, hostname: 'mail.lab.test' }, '/'),
    '/x',
  );
});

test('IPv6 loopback targets are scanned ([::1] in Host)', async () => {
  const srv = await startHttpServer('::1', true, (_q, res) =>
    res.writeHead(401, { 'X-OWA-Version': '15.2.1544.11', Server: 'Microsoft-IIS/10.0' }).end(),
  );
  try {
    const space = await buildTargetSpace(
      [parseTargetSpec('::1') as TargetSpec],
      [{ port: srv.port, protocol: 'https' }],
      { blocklist: loadBlocklist() },
    );
    const recs: string[] = [];
    await runScan(
      { space, seed: 1, shard: { index: 1, count: 1 } },
      testScanOptions(),
      (r) => void recs.push(`${r.ip} ${r.status} ${r.evidence.build}`),
    );
    assert.deepEqual(recs, ['::1 exchange 15.2.1544.11']);
    assert.equal(srv.requests[0]?.headers.host, `[::1]:${srv.port}`);
  } finally {
    await srv.close();
  }
});

test('every target yields exactly one record; resume keys are skipped; abort stops new hosts', async () => {
  const port = await closedPort('127.61.8.1');
  const space = await buildTargetSpace(
    [parseTargetSpec('127.61.8.0/28') as TargetSpec],
    [{ port, protocol: 'https' }],
    { blocklist: loadBlocklist() },
  );
  const seen: string[] = [];
  const s = await runScan(
    { space, seed: 4, shard: { index: 1, count: 1 } },
    testScanOptions({ skip: new Set(['127.61.8.3:' + port]) }),
    (r) => void seen.push(r.ip),
  );
  assert.equal(seen.length, 15);
  assert.ok(!seen.includes('127.61.8.3'));
  assert.equal(s.resumedSkipped, 1);
  const ac = new AbortController();
  ac.abort();
  const stopped = await runScan(
    { space, seed: 4, shard: { index: 1, count: 1 } },
    testScanOptions({ signal: ac.signal }),
    () => {},
  );
  assert.equal(stopped.probed, 0);
  assert.equal(stopped.interrupted, true);
});
