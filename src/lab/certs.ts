// Lab certificates: ECDSA P-256, self-signed. Pre-generated under data/lab/certs (by make-certs.ts);
// if one is missing (e.g. a read-only install without them) it is made with openssl into a temp cache.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import { ConfigError } from '../core/errors.js';
import type { CertEntry } from './fleet-data.js';

export interface CertPem {
  key: string;
  cert: string;
}

export function certPaths(dir: string, id: string): { key: string; cert: string } {
  return { key: join(dir, `${id}.key.pem`), cert: join(dir, `${id}.cert.pem`) };
}

/** Runs openssl once for one certificate (no shell; names are passed as arguments). */
export function generateCert(entry: CertEntry, dir: string): void {
  mkdirSync(dir, { recursive: true });
  const p = certPaths(dir, entry.id);
  const san = entry.san.map((n) => `DNS:${n}`).join(',');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-keyout',
        p.key,
        '-out',
        p.cert,
        '-days',
        '9125',
        '-subj',
        `/CN=${entry.cn}`,
        '-addext',
        `subjectAltName=${san}`,
        '-addext',
        'extendedKeyUsage=serverAuth',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
  } catch (err) {
    throw new ConfigError(
      'E_LAB_OPENSSL',
      `could not create lab certificate ${entry.id} with openssl (is it installed?)`,
      { cause: err },
    );
  }
}

export function loadCert(entry: CertEntry, dataCertDir: string): CertPem {
  for (const dir of [dataCertDir, join(tmpdir(), 'excensus-lab-certs')]) {
    const p = certPaths(dir, entry.id);
    if (existsSync(p.key) && existsSync(p.cert))
      return { key: readFileSync(p.key, 'utf8'), cert: readFileSync(p.cert, 'utf8') };
  }
  const cache = join(tmpdir(), 'excensus-lab-certs');
  generateCert(entry, cache);
  const p = certPaths(cache, entry.id);
  return { key: readFileSync(p.key, 'utf8'), cert: readFileSync(p.cert, 'utf8') };
}

// TLS as IIS on Windows Server 2016/2019 (where Exchange 2016/2019 run) offers it: TLS 1.2 at most,
// ECDHE over X25519 first, AES-GCM suites, no session tickets (Schannel's server default). This is
// also the cheapest handshake for the lab and the scanner on one machine (measured in bench/scan.ts).
const IIS_LIKE_TLS = {
  minVersion: 'TLSv1.2',
  maxVersion: 'TLSv1.2',
  ecdhCurve: 'X25519:P-256:P-384',
  ciphers:
    'ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384',
  honorCipherOrder: true,
  secureOptions: constants.SSL_OP_NO_TICKET,
} as const;

/** One SecureContext per certificate, shared by every host and connection that uses it. */
export class ContextPool {
  private readonly contexts = new Map<string, SecureContext>();
  constructor(private readonly dataCertDir: string) {}

  get(entry: CertEntry): SecureContext {
    let ctx = this.contexts.get(entry.id);
    if (!ctx) {
      const pem = loadCert(entry, this.dataCertDir);
      ctx = createSecureContext({ key: pem.key, cert: pem.cert, ...IIS_LIKE_TLS });
      this.contexts.set(entry.id, ctx);
    }
    return ctx;
  }
}
