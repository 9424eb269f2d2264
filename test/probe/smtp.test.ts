import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Observation } from '../../src/core/observation.js';
import { probeTarget } from '../../src/probe/scan-engine.js';
import { startRawServer } from './helpers/servers.js';
import { testScanOptions } from './helpers/scan-opts.js';

const IP = '127.61.2.1';

test('SMTP: greeting, EHLO, QUIT and nothing else; banners land in the observation', async () => {
  const received: string[] = [];
  // Greeting and EHLO lines in the shape of Microsoft's documented Exchange session (artifact A13).
  const srv = await startRawServer(IP, false, (s) => {
    s.write(
      '220 EXCH01.contoso.local Microsoft ESMTP MAIL Service ready at Mon, 3 Mar 2025 10:00:00 +0000\r\n',
    );
    let buf = '';
    s.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      let nl;
      while ((nl = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 2);
        received.push(line);
        if (line.startsWith('EHLO'))
          s.write(
            '250-EXCH01.contoso.local Hello [127.0.0.1]\r\n250-SIZE 37748736\r\n250-X-ANONYMOUSTLS\r\n250-AUTH NTLM\r\n250 XRDST\r\n',
          );
        else if (line === 'QUIT') s.end('221 2.0.0 Service closing transmission channel\r\n');
      }
    });
  });
  try {
    const opts = testScanOptions();
    let seen: Observation | undefined;
    const r = await probeTarget(
      { ip: IP, port: srv.port, protocol: 'smtp' },
      { ...opts, judge: (o) => ((seen = o), opts.judge(o)) },
    );
    await new Promise((res) => setTimeout(res, 50));
    assert.deepEqual(received, ['EHLO excensus.invalid', 'QUIT']);
    assert.match(seen?.banners?.smtp ?? '', /^220 EXCH01/);
    assert.equal(seen?.banners?.ehlo?.split('\n').length, 5);
    assert.deepEqual(
      r.probes?.map((p) => `${p.request} ${p.status}`),
      ['SMTP greeting 220', 'SMTP EHLO 250'],
    );
    assert.equal(r.evidence.exchange, 'yes');
  } finally {
    await srv.close();
  }
});

test('SMTP port that speaks HTTP or nothing: protocol-error / timeout', async () => {
  const http = await startRawServer(IP, false, (s) => s.write('HTTP/1.1 400 Bad Request\r\n\r\n'));
  const mute = await startRawServer(IP, false, () => {});
  try {
    const opts = testScanOptions({ probeTimeoutMs: 300 });
    assert.equal(
      (await probeTarget({ ip: IP, port: http.port, protocol: 'smtp' }, opts)).status,
      'protocol-error',
    );
    assert.equal((await probeTarget({ ip: IP, port: mute.port, protocol: 'smtp' }, opts)).status, 'timeout');
  } finally {
    await http.close();
    await mute.close();
  }
});

test('SMTP STARTTLS and implicit TLS against the lab: certificate names, EHLO keywords, Exchange judged', async () => {
  const { startLab } = await import('../../src/lab/index.js');
  // Fixed ports on a private /24 of loopback (the lab binds exact addresses only).
  const lab = await startLab({
    seed: 7,
    count: 12,
    base: '127.61.3.1',
    smtpPort: 28125,
    smtpsPort: 28465,
    mix: 'exchange-only',
    httpsPort: 28126,
  });
  try {
    const h = lab.hosts.find((x) => x.exposes.smtp);
    assert.ok(h, 'an Exchange host with SMTP');
    const opts = testScanOptions({ probeTimeoutMs: 5000, hostTimeoutMs: 15000 });
    const r = await probeTarget({ ip: h.ip, port: 28125, protocol: 'smtp' }, opts);
    assert.deepEqual(
      r.probes?.map((p) => p.request),
      ['SMTP greeting', 'SMTP EHLO', 'SMTP STARTTLS', 'TLS handshake', 'SMTP EHLO (TLS)'],
    );
    assert.equal(r.smtp?.tls, 'ok');
    assert.ok(r.smtp?.keywords.includes('STARTTLS'));
    assert.ok(r.smtp?.keywords.includes('X-EXPS'));
    assert.equal(r.status, 'exchange');
    // The certificate read over STARTTLS names the server (internal names, for owners).
    for (const n of h.exposes.certNames) assert.ok(r.evidence.serverNames.includes(n), n);

    const s = await probeTarget({ ip: h.ip, port: 28465, protocol: 'smtps' }, opts);
    assert.equal(s.smtp?.tls, 'implicit');
    assert.deepEqual(
      s.probes?.map((p) => p.request),
      ['SMTP greeting', 'SMTP EHLO'],
    );
    assert.equal(s.status, 'exchange');
    assert.ok(s.evidence.serverNames.includes(h.exposes.certNames[0] ?? '?'));
  } finally {
    await lab.stop();
  }
});
