// Faults of this machine, not of the host probed: out of file descriptors, socket buffers or
// memory. A probe that meets one says nothing about its target, so the scan backs off and tries
// that target again instead of recording it (see runScan); and it starts no more hosts at once
// than its descriptor limit can hold.
import { readFileSync, readdirSync } from 'node:fs';

/**
 * How a failed socket call of ours reports these (connection.ts: "CODE: message", status error).
 * Anchored: text a server sent (an SMTP greeting "ENOMEM ...") may appear later in a detail and
 * must never make a target look like a local fault, which is retried and never recorded.
 */
const LOCAL_CODES = /^(EMFILE|ENFILE|ENOBUFS|ENOMEM): /;

/** Whether a probe's outcome is a local resource fault (status `error`, the code of our own call). */
export function isLocalResourceFault(r: { status: string; statusDetail?: string | null }): boolean {
  return r.status === 'error' && typeof r.statusDetail === 'string' && LOCAL_CODES.test(r.statusDetail);
}

/** The soft limit on open files (ulimit -n), or null where it cannot be read. */
export function openFileLimit(): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (!m || m[1] === 'unlimited') return null;
    return Number(m[1]);
  } catch {
    return null;
  }
}

function openFiles(): number {
  try {
    return readdirSync('/proc/self/fd').length;
  } catch {
    return 32;
  }
}

/** Descriptors a host in flight may hold at once (its connection, and a second while it reconnects). */
const FDS_PER_HOST = 2;
/** Kept free for the store, its WAL, worker threads and output files. */
const RESERVE = 24;

/** The concurrency the descriptor limit allows, or `wanted` when it allows that much (or is unknown). */
export function concurrencyForLimit(wanted: number): { concurrency: number; limit: number | null } {
  const limit = openFileLimit();
  if (limit === null) return { concurrency: wanted, limit };
  const room = Math.floor((limit - openFiles() - RESERVE) / FDS_PER_HOST);
  return { concurrency: Math.max(1, Math.min(wanted, room)), limit };
}
