// Whether the writer that holds a lease is known to be gone. A writer names itself
// `host:pid:tag[:space]` (writerIdentity). Only a writer in this same process space can be
// looked up: same host name and the same boot and PID namespace (a container may share the host
// name but not its process ids); where the system shows no such space, no writer is looked up. A process id that no longer
// exists there cannot write any more, nor can a process that is dead but not yet reaped by its
// parent (a zombie: /proc/PID/status shows state Z or X, and counts no thread but that dead main
// thread). Anything else (another host, another space, a live
// process even if it reused the id, a process we may not signal, a name we cannot read) is
// taken as alive: a false "alive" only makes a resume wait for the lease to lapse, a false
// "gone" would let two writers count the same records.
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

let space: string | null | undefined;

/** This machine's boot and PID namespace, hashed short; null where the system does not show them. */
export function processSpace(): string | null {
  if (space !== undefined) return space;
  try {
    const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const ns = readlinkSync('/proc/self/ns/pid');
    space = createHash('sha256').update(`${boot}\n${ns}`).digest('hex').slice(0, 8);
  } catch {
    space = null;
  }
  return space;
}

/** This process as a writer: host, process id, a random tag (ids are reused) and its process space. */
export function writerIdentity(): string {
  const s = processSpace();
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}${s ? `:${s}` : ''}`;
}

/** True only when `writer` ran in this process space and its process no longer exists. */
export function writerIsGone(writer: string): boolean {
  // `host:pid:tag:space` with this host and space around it; the tag may be all digits, so the
  // name is matched from both ends, not split
  // where the system shows no process space, a host name alone could be another machine's: alive
  const own = processSpace();
  if (own === null) return false;
  const prefix = `${hostname()}:`;
  const suffix = `:${own}`;
  if (!writer.startsWith(prefix) || !writer.endsWith(suffix)) return false;
  const m = /^(\d+):[0-9a-f]{8}$/.exec(writer.slice(prefix.length, writer.length - suffix.length));
  if (!m) return false;
  const pid = Number(m[1]);
  if (!Number.isSafeInteger(pid) || pid <= 1 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH'; // EPERM: it exists, owned by another user
  }
  // it exists (it may be another process that reused the id: wait, as before), unless it is a
  // zombie with no thread left: killed, not yet reaped by its parent, never to write again
  return isDead(pid);
}

/**
 * The state letter of a /proc/PID/status text (`State:\tZ (zombie)`); null when it holds none. The
 * kernel escapes the name on its own `Name:` line, so no name can start a `State:` line.
 */
export function processState(status: string): string | null {
  const m = /^State:[ \t]*(\S)/m.exec(status);
  return m ? m[1]! : null;
}

/** The `Threads:` count of a /proc/PID/status text; null when it holds none. */
export function threadCount(status: string): number | null {
  const m = /^Threads:[ \t]*(\d+)[ \t]*$/m.exec(status);
  return m ? Number(m[1]) : null;
}

/**
 * True when the process is a zombie (Z) or dead (X) and no thread of it runs. Z only says the
 * main thread ended: after pthread_exit in main, the others run (and may write) on, and status
 * counts them with the main thread's (Threads: 2 and more). A process we cannot read is alive.
 */
function isDead(pid: number): boolean {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8'); // its state and its threads, in one read
  } catch {
    return false;
  }
  const state = processState(status);
  const threads = threadCount(status);
  return (state === 'Z' || state === 'X') && threads !== null && threads <= 1;
}
