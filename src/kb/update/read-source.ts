// Reads one upstream file from where the user said: the public URL, a mirror (its `paths` under
// the mirror's base URL) or a directory of saved files (the same `paths` under it). A missing
// name falls through to the next name; anything else is the source's error.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { LookupFunction } from 'node:net';
import { download, SourceError, type Fetched } from './download.js';
import type { SourceLocation } from './config.js';
import { sha256 } from '../manifest.js';

export type Origin = { kind: 'live' } | { kind: 'mirror'; base: string } | { kind: 'dir'; dir: string };

export interface ReadContext {
  origin: Origin;
  timeoutMs: number;
  userAgent: string;
  lookup?: LookupFunction | undefined;
  now: () => Date;
}

function fill(template: string, id: string | undefined): string {
  return id === undefined ? template : template.replaceAll('{id}', id);
}

function readSaved(path: string, maxBytes: number, now: () => Date): Fetched {
  const size = statSync(path).size;
  if (size > maxBytes)
    throw new SourceError('E_TOO_LARGE', `${path}: ${size} bytes, more than the ${maxBytes} allowed`);
  const buf = readFileSync(path);
  return {
    url: path,
    text: buf.toString('utf8'),
    bytes: buf.length,
    sha256: sha256(buf),
    fetchedAt: now().toISOString(),
  };
}

/** The source's file as text, or a SourceError naming what went wrong. */
export async function readSource(ctx: ReadContext, loc: SourceLocation, id?: string): Promise<Fetched> {
  const { origin } = ctx;
  if (origin.kind === 'dir') {
    for (const p of loc.paths) {
      const file = join(origin.dir, fill(p, id));
      if (existsSync(file)) return readSaved(file, loc.max_bytes, ctx.now);
    }
    throw new SourceError(
      'E_NOT_FOUND',
      `none of ${loc.paths.map((p) => fill(p, id)).join(', ')} in ${origin.dir}`,
    );
  }
  const opts = {
    timeoutMs: ctx.timeoutMs,
    maxBytes: loc.max_bytes,
    userAgent: ctx.userAgent,
    accept: loc.accept,
    lookup: ctx.lookup,
    now: ctx.now,
  };
  if (origin.kind === 'live') return download(fill(loc.url, id), opts);
  const base = origin.base.replace(/\/+$/, '');
  const tried: string[] = [];
  for (const p of loc.paths) {
    const url = `${base}/${fill(p, id)}`;
    try {
      return await download(url, opts);
    } catch (err) {
      if (!(err instanceof SourceError) || err.code !== 'E_NOT_FOUND') throw err;
      tried.push(url);
    }
  }
  throw new SourceError('E_NOT_FOUND', `not on the mirror: ${tried.join(', ')} (HTTP 404)`);
}

/** Text that is an HTML page (an error or login page served in place of the data). */
export function looksLikeHtml(text: string): boolean {
  return /^\s*(<!doctype html|<html[\s>]|<head[\s>]|<body[\s>])/i.test(text.slice(0, 512));
}
