// Lab certificates: ECDSA P-256, self-signed. Pre-generated under data/lab/certs (by make-certs.ts);
// if one is missing (e.g. a read-only install without them) it is made with openssl into a temp cache.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', p.key, '-out', p.cert, '-days', '9125', '-subj', `/CN=${entry.cn}`,
      '-addext', `subjectAltName=${san}`, '-addext', 'extendedKeyUsage=serverAuth',
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    throw new ConfigError('E_LAB_OPENSSL', `could not create lab certificate ${entry.id} with openssl (is it installed?)`, { cause: err });
  }
}

export function loadCert(entry: CertEntry, dataCertDir: string): CertPem {
  for (const dir of [dataCertDir, join(tmpdir(), 'excensus-lab-certs')]) {
    const p = certPaths(dir, entry.id);
    if (existsSync(p.key) && existsSync(p.cert)) return { key: readFileSync(p.key, 'utf8'), cert: readFileSync(p.cert, 'utf8') };
  }
  const cache = join(tmpdir(), 'excensus-lab-certs');
  generateCert(entry, cache);
  const p = certPaths(cache, entry.id);
  return { key: readFileSync(p.key, 'utf8'), cert: readFileSync(p.cert, 'utf8') };
}

/** One SecureContext per certificate, shared by every host and connection that uses it. */
export class ContextPool {
  private readonly contexts = new Map<string, SecureContext>();
  constructor(private readonly dataCertDir: string) {}

  get(entry: CertEntry): SecureContext {
    let ctx = this.contexts.get(entry.id);
    if (!ctx) {
      const pem = loadCert(entry, this.dataCertDir);
      ctx = createSecureContext({ key: pem.key, cert: pem.cert, minVersion: 'TLSv1.2' });
      this.contexts.set(entry.id, ctx);
    }
    return ctx;
  }
}
