// What an ingest read, recorded with its scan so a resume can tell the same inputs from others:
// each file's name, size and a SHA-256 of its first 64 KiB. A resume of other files would mix
// two files' records in one scan (and wipe the counts already stored), so it is refused.
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { basename } from 'node:path';
import { createHash } from 'node:crypto';
import { ConfigError } from '../core/errors.js';

const HEAD_BYTES = 64 * 1024;

/** snake_case: it is stored in the scan's options as it is. */
export interface InputPrint {
  name: string;
  /** null for stdin or anything that is not a regular file. */
  size: number | null;
  head_sha256: string | null;
}

export function printInput(file: string): InputPrint {
  if (file === '-') return { name: '-', size: null, head_sha256: null };
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { name: basename(file), size: null, head_sha256: null }; // the ingest itself reports it
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { name: basename(file), size: null, head_sha256: null };
    const buf = Buffer.alloc(Math.min(HEAD_BYTES, st.size));
    let got = 0;
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got);
      if (n === 0) break;
      got += n;
    }
    const head = createHash('sha256').update(buf.subarray(0, got)).digest('hex');
    return { name: basename(file), size: st.size, head_sha256: head };
  } finally {
    closeSync(fd);
  }
}

function describe(p: InputPrint): string {
  if (p.size === null) return p.name;
  return `${p.name} (${p.size} bytes, first 64 KiB sha256 ${p.head_sha256?.slice(0, 12) ?? '?'}...)`;
}

/**
 * Throws E_RESUME_INPUTS unless this run reads the inputs the scan was started with. Scans from
 * before prints were recorded are compared by file name only.
 */
export function checkSameInputs(
  scan: { name: string; inputs: string[]; options: Record<string, unknown> },
  now: InputPrint[],
): void {
  const stored = Array.isArray(scan.options.input_prints)
    ? (scan.options.input_prints as InputPrint[])
    : scan.inputs.map((f) => ({ name: f === '-' ? '-' : basename(f), size: null, head_sha256: null }));
  const refuse = (why: string) => {
    throw new ConfigError(
      'E_RESUME_INPUTS',
      `cannot resume scan "${scan.name}" with these inputs: ${why}. A resume reads the same files again; ingest other files into a new scan`,
    );
  };
  if (stored.length !== now.length)
    refuse(`it was started on ${stored.length} input(s), this run gives ${now.length}`);
  for (let i = 0; i < now.length; i++) {
    const a = stored[i]!;
    const b = now[i]!;
    if (a.name === '-' || b.name === '-') {
      if (a.name !== b.name) refuse(`input ${i + 1} was ${describe(a)}, now ${describe(b)}`);
      continue; // stdin cannot be compared: the caller's word
    }
    const same =
      a.name === b.name &&
      (a.size === null || a.size === b.size) &&
      (a.head_sha256 === null || a.head_sha256 === b.head_sha256);
    if (!same) refuse(`input ${i + 1} was ${describe(a)}, now ${describe(b)}`);
  }
}
