import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type TlsOptions } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { openConnection, isFailure, sharedSecureContext } from '../../src/probe/connection.js';
import { cert } from './helpers/servers.js';

const IP = '127.61.12.1';

/** What the scanner's one shared context negotiates with a server configured as `opts`. */
async function negotiate(opts: TlsOptions): Promise<{ protocol: string | null; cipher: string } | string> {
  const server = createServer({ ...cert, ...opts }, (s) => s.end());
  await new Promise<void>((resolve) => server.listen(0, IP, resolve));
  try {
    const c = await openConnection({
      ip: IP,
      port: (server.address() as AddressInfo).port,
      tls: true,
      secureContext: sharedSecureContext(),
      timeoutMs: 3000,
    });
    if (isFailure(c)) return `${c.failed}: ${c.detail}`;
    const tls = c.socket as import('node:tls').TLSSocket;
    const r = { protocol: tls.getProtocol(), cipher: tls.getCipher().name };
    tls.destroy();
    return r;
  } finally {
    server.close();
  }
}

// The client prefers cheap parameters but must still reach whatever real servers offer.
test('the shared client context reaches a TLS 1.0-only server with a CBC/SHA-1 suite', async () => {
  const r = await negotiate({
    minVersion: 'TLSv1',
    maxVersion: 'TLSv1',
    ciphers: 'ECDHE-ECDSA-AES256-SHA:@SECLEVEL=0',
  });
  assert.deepEqual(r, { protocol: 'TLSv1', cipher: 'ECDHE-ECDSA-AES256-SHA' });
});

test('the shared client context reaches a TLS 1.2 server that offers only an AES-256-CBC suite', async () => {
  const r = await negotiate({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-ECDSA-AES256-SHA384' });
  assert.deepEqual(r, { protocol: 'TLSv1.2', cipher: 'ECDHE-ECDSA-AES256-SHA384' });
});

test('with a TLS 1.3 server that leaves the choice to the client, AES-128-GCM is chosen', async () => {
  const r = await negotiate({ minVersion: 'TLSv1.3', honorCipherOrder: false });
  assert.deepEqual(r, { protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256' });
});

test('a TLS 1.3 server that only does ChaCha20 is still reached', async () => {
  const r = await negotiate({ minVersion: 'TLSv1.3', ciphers: 'TLS_CHACHA20_POLY1305_SHA256' });
  assert.deepEqual(r, { protocol: 'TLSv1.3', cipher: 'TLS_CHACHA20_POLY1305_SHA256' });
});
