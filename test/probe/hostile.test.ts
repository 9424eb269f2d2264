// Hostile servers cost one bounded probe: every outcome is a status, within the deadlines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { probeTarget } from '../../src/probe/scan-engine.js';
import { closedPort, startRawServer, startHttpServer } from './helpers/servers.js';
import { testScanOptions } from './helpers/scan-opts.js';

const IP = '127.61.1.1';
const opts = testScanOptions({ probeTimeoutMs: 400, hostTimeoutMs: 1500, maxBodyBytes: 4096 });

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const v = await f();
  return [v, performance.now() - t0];
}

test('connection refused', async () => {
  const port = await closedPort(IP);
  const r = await probeTarget({ ip: IP, port, protocol: 'https' }, opts);
  assert.equal(r.status, 'refused');
  assert.equal(r.probes?.length, 1);
});

test('accepts and never answers: timeout within the probe deadline', async () => {
  const srv = await startRawServer(IP, false, () => {});
  try {
    const [r, ms] = await timed(() => probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, opts));
    assert.equal(r.status, 'timeout');
    assert.ok(ms < 1500, `${ms} ms`);
  } finally {
    await srv.close();
  }
});

test('trickles one byte at a time: the whole-response deadline still ends it', async () => {
  const timers = new Set<NodeJS.Timeout>();
  const srv = await startRawServer(IP, true, (s) => {
    s.once('data', () => {
      const text = 'HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n' + 'x'.repeat(1000);
      let i = 0;
      const t = setInterval(
        () => (s.destroyed ? clearInterval(t) : s.write(text[i++ % text.length] as string)),
        20,
      );
      timers.add(t);
    });
  });
  try {
    const [r, ms] = await timed(() => probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, opts));
    assert.equal(r.status, 'timeout');
    assert.ok(ms < 1600, `${ms} ms`);
  } finally {
    for (const t of timers) clearInterval(t);
    await srv.close();
  }
});

test('endless body: read up to --max-body, marked truncated, memory bounded', async () => {
  const srv = await startRawServer(IP, true, (s) => {
    s.once('data', () => {
      s.write('HTTP/1.1 200 OK\r\nServer: nginx\r\nTransfer-Encoding: chunked\r\n\r\n');
      const chunk = `4000\r\n${'A'.repeat(0x4000)}\r\n`;
      const pump = (): void => {
        while (!s.destroyed && s.write(chunk));
        if (!s.destroyed) s.once('drain', pump);
      };
      pump();
    });
  });
  try {
    let bodies: number[] = [];
    const [r, ms] = await timed(() =>
      probeTarget(
        { ip: IP, port: srv.port, protocol: 'https' },
        { ...opts, judge: (o) => ((bodies = o.http.map((x) => x.body?.length ?? 0)), opts.judge(o)) },
      ),
    );
    assert.equal(r.status, 'not-exchange');
    assert.ok(
      bodies.every((n) => n <= 4096),
      String(bodies),
    );
    assert.ok(ms < 1500, `${ms} ms`);
  } finally {
    await srv.close();
  }
});

test('garbage instead of HTTP: protocol-error', async () => {
  const srv = await startRawServer(IP, true, (s: Socket) =>
    s.once('data', () => s.end(Buffer.from('\x00\xffSSH-1.99-garbage\x7f\x01\x02', 'latin1'))),
  );
  try {
    const r = await probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, opts);
    assert.equal(r.status, 'protocol-error');
    assert.match(r.statusDetail ?? '', /not HTTP/);
  } finally {
    await srv.close();
  }
});

test('TLS handshake failure: tls-error (and no plain-HTTP fallback for a real TLS alert)', async () => {
  // A fatal handshake_failure alert, as the lab's tls-fail host sends.
  const alert = Buffer.from([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28]);
  const srv = await startRawServer(IP, false, (s) => s.once('data', () => s.end(alert)));
  try {
    const r = await probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, opts);
    assert.equal(r.status, 'tls-error');
    assert.equal(srv.connections(), 1);
  } finally {
    await srv.close();
  }
});

test('huge response head: protocol-error, not unbounded buffering', async () => {
  const srv = await startRawServer(IP, true, (s) =>
    s.once('data', () => s.write(`HTTP/1.1 200 OK\r\nX-Junk: ${'j'.repeat(200_000)}\r\n\r\n`)),
  );
  try {
    const r = await probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, opts);
    assert.equal(r.status, 'protocol-error');
    assert.match(r.statusDetail ?? '', /exceeds/);
  } finally {
    await srv.close();
  }
});

test('the host deadline bounds a server that answers every request slowly', async () => {
  const srv = await startHttpServer(IP, true, (_req, res) => {
    setTimeout(() => res.writeHead(401, { 'WWW-Authenticate': 'NTLM', 'X-FEServer': 'EXCH01' }).end(), 300);
  });
  try {
    const [r, ms] = await timed(() =>
      probeTarget({ ip: IP, port: srv.port, protocol: 'https' }, { ...opts, hostTimeoutMs: 700 }),
    );
    assert.ok(ms < 1000, `${ms} ms`);
    assert.ok(srv.requests.length <= 3, String(srv.requests.length));
    assert.ok(
      r.status === 'timeout' || /host deadline/.test(r.statusDetail ?? ''),
      `${r.status} ${r.statusDetail}`,
    );
  } finally {
    await srv.close();
  }
});
