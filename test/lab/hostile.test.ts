// Hostile servers behave as named; every check is bounded by the test's own deadline.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';
import { startLab, type GroundTruthHost, type Lab } from '../../src/lab/index.js';
import { fetchOnce, tcpConnect } from './http-client.js';

const PORT = 29443;
let lab: Lab;
before(async () => {
  lab = await startLab({ seed: 77, count: 24, base: '127.77.1.1', httpsPort: PORT });
});
after(async () => lab.stop());

function host(profile: string): GroundTruthHost {
  const h = lab.hosts.find((x) => x.profile === profile);
  assert.ok(h, `no ${profile} host in the plan`);
  return h;
}

function tlsOpen(h: GroundTruthHost): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: h.ip, port: h.port, rejectUnauthorized: false }, () => resolve(s));
    s.once('error', reject);
  });
}

/** Collects what arrives until `done` says stop, the socket closes, or the deadline passes. */
function collect(
  s: NodeJS.ReadableStream & { destroy(): void },
  done: (buf: Buffer) => boolean,
  deadlineMs: number,
): Promise<{ buf: Buffer; chunks: number; timedOut: boolean }> {
  return new Promise((resolve) => {
    let buf = Buffer.alloc(0);
    let chunks = 0;
    const finish = (timedOut: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve({ buf, chunks, timedOut });
    };
    const timer = setTimeout(() => finish(true), deadlineMs);
    s.on('data', (c: Buffer) => {
      chunks++;
      buf = Buffer.concat([buf, c]);
      if (done(buf)) finish(false);
    });
    s.on('close', () => finish(false));
  });
}

test('closed: connection refused', async () => {
  await assert.rejects(tcpConnect(host('closed').ip, PORT), /ECONNREFUSED/);
});

test('silent: accepts the connection and never sends a byte', async () => {
  const s = await tcpConnect(host('silent').ip, PORT);
  s.write('\x16\x03\x01\x00\x00');
  const r = await collect(s, () => true, 400);
  assert.equal(r.buf.length, 0);
  assert.equal(r.timedOut, true);
});

test('tls-fail: the handshake ends in a handshake_failure alert', async () => {
  await assert.rejects(tlsOpen(host('tls-fail')), /alert handshake failure|alert number 40/);
});

test('garbage: TLS completes, then bytes that are not HTTP', async () => {
  const s = await tlsOpen(host('garbage'));
  s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const r = await collect(s, () => false, 3000);
  assert.ok(r.buf.length > 0 && !r.timedOut);
  assert.notEqual(r.buf.subarray(0, 5).toString('latin1'), 'HTTP/');
});

test('trickle: the response arrives one byte at a time and never completes its headers', async () => {
  const s = await tlsOpen(host('trickle'));
  s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const r = await collect(s, (b) => b.length >= 2, 5000);
  assert.equal(r.timedOut, false, 'first two bytes arrive');
  assert.equal(r.chunks, 2, 'one byte per write');
  assert.equal(r.buf.toString('latin1'), 'HT');
});

test('endless-body: a 200 whose chunked body keeps coming', async () => {
  const s = await tlsOpen(host('endless-body'));
  s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const r = await collect(s, (b) => b.length > 2_000_000, 10_000);
  assert.equal(r.timedOut, false);
  assert.match(
    r.buf.subarray(0, 300).toString('latin1'),
    /^HTTP\/1\.1 200 OK\r\n[\s\S]*Transfer-Encoding: chunked/,
  );
});

test('huge-body: announces 8 GiB and streams it', async () => {
  const s = await tlsOpen(host('huge-body'));
  s.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  const r = await collect(s, (b) => b.length > 1_000_000, 10_000);
  assert.equal(r.timedOut, false);
  assert.match(r.buf.subarray(0, 300).toString('latin1'), /Content-Length: 8589934592\r\n/);
});

test('redirect-loop: same-host redirects that never end', async () => {
  const h = host('redirect-loop');
  let path = '/owa/';
  const seen: string[] = [];
  for (let i = 0; i < 5; i++) {
    const r = await fetchOnce(h.ip, PORT, path, { deadlineMs: 3000 });
    assert.equal(r.status, 302);
    const loc = r.rawHeaders[r.rawHeaders.findIndex((n) => n.toLowerCase() === 'location') + 1] ?? '';
    assert.match(loc, /^\/loop\/[ab]$/);
    seen.push(loc);
    path = loc;
  }
  assert.deepEqual(seen, ['/loop/a', '/loop/b', '/loop/a', '/loop/b', '/loop/a']);
});
