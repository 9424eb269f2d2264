// Starts a worker thread on a module next to the caller: the compiled .js as shipped, or, when
// the caller itself runs from TypeScript under tsx (tests, benchmarks), the .ts with tsx's hooks
// registered in the new thread first.
import { readFileSync } from 'node:fs';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A thread is not started: under an address-space limit (ulimit -v) V8 would end the whole process
 * when the new thread's isolate cannot reserve its memory (a fatal error, not an exception).
 */
export class ThreadRoomError extends Error {}

/**
 * Address space a thread needs under a limit: its isolate with the smaller code range below, its
 * stack and allocator arena, and the heap it grows to (docs/hardening.md has the measurements).
 */
const THREAD_ROOM_BYTES = 512 << 20;
/** A thread's code range under a limit (V8 reserves 128 MB by default): its compiled code is a few MB. */
const LIMITED_CODE_RANGE_MB = 16;

/** `callerUrl`: the caller's import.meta.url; `name`: the worker module's file name without extension. */
export function spawnWorker(callerUrl: string, name: string, options: WorkerOptions): Worker {
  const left = addressSpaceLeft();
  if (left !== null) {
    if (left < THREAD_ROOM_BYTES)
      throw new ThreadRoomError(
        `${Math.max(0, Math.floor(left / 2 ** 20))} MiB of address space left under ulimit -v, a thread needs ${THREAD_ROOM_BYTES / 2 ** 20}`,
      );
    options = {
      ...options,
      resourceLimits: { ...options.resourceLimits, codeRangeSizeMb: LIMITED_CODE_RANGE_MB },
    };
  }
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, callerUrl), options);
  // both of tsx's hooks, as `node --import tsx` registers them: modules that load a part lazily
  // with require (kb/load.ts: the schemas) need the CommonJS one
  const esm = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  const cjs = JSON.stringify(import.meta.resolve('tsx/cjs/api'));
  const entry = JSON.stringify(new URL(`./${name}.ts`, callerUrl).href);
  const boot = `Promise.all([import(${esm}), import(${cjs})]).then(([e, c]) => { e.register(); c.register(); return import(${entry}); });`;
  return new Worker(boot, { ...options, eval: true });
}

/** Bytes of address space this process may still map under its limit; null without a limit (or off Linux). */
function addressSpaceLeft(): number | null {
  const limit = /^Max address space\s+(\d+)/m.exec(procText('limits')); // no match: "unlimited"
  if (!limit) return null; // the process size is read only under a limit
  const size = /^VmSize:\s+(\d+) kB/m.exec(procText('status'));
  return size ? Number(limit[1]) - Number(size[1]) * 1024 : null;
}

/** /proc/self/<name>, or '' where it cannot be read (off Linux). */
function procText(name: string): string {
  try {
    return readFileSync(`/proc/self/${name}`, 'latin1');
  } catch {
    return '';
  }
}
