// Test helpers: read a fixture through detection + reader, collecting observations and errors.
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Observation } from '../../src/core/observation.js';
import { openInput } from '../../src/ingest/input.js';
import { detectFormat, type Detected } from '../../src/ingest/detect.js';
import { readerFor } from '../../src/ingest/readers/index.js';
import { readLines } from '../../src/ingest/lines.js';
import { hostRecordToWire } from '../../src/core/wire.js';
import type { EncodedHost, StoredHost } from '../../src/store/store.js';
import { ingestFiles, type IngestOptions } from '../../src/ingest/pipeline.js';
import type { PlainCount } from '../../src/ingest/fast/plain-tally.js';

export const fixtures = fileURLToPath(new URL('../fixtures/formats/', import.meta.url));

export async function readFixture(
  name: string,
  format?: string,
): Promise<{
  detected: Detected;
  obs: Observation[];
  errors: Array<{ line: number; error: string }>;
  damage?: string;
}> {
  const input = await openInput(fixtures + name, Readable.from([]));
  const detected = detectFormat(input.head, name, format);
  const reader = readerFor(detected);
  const obs: Observation[] = [];
  const errors: Array<{ line: number; error: string }> = [];
  if (reader.kind === 'lines') {
    for await (const { text, line } of readLines(input.chunks)) {
      const r = reader.parseLine(text);
      if (Array.isArray(r)) obs.push(...r);
      else errors.push({ line, error: r.error });
    }
  } else {
    for await (const item of reader.read(input.chunks)) {
      if ('error' in item) errors.push(item);
      else obs.push(...item.observations);
    }
  }
  const damage = input.damage();
  return { detected, obs, errors, ...(damage ? { damage } : {}) };
}

export function header(obs: Observation, name: string): string | undefined {
  for (const ex of obs.http)
    for (const [n, v] of ex.headers) if (n.toLowerCase() === name.toLowerCase()) return v;
  return undefined;
}

/** A record's wire form without the evidence detail that pre-filtered records skip (negative signals). */
export function verdict(h: { record: StoredHost['record'] }): Record<string, unknown> {
  const w = hostRecordToWire(h.record);
  if (h.record.isExchange || h.record.suspect) return w;
  const { evidence: _e, ...rest } = w;
  return rest;
}

/**
 * ingestFiles over one file, with the native addon or without it (EXCENSUS_NO_NATIVE=1): each host
 * as `host` gives it, the plain counts, the record count and the problems ("line: reason").
 */
export async function ingestCollected<T>(
  file: string,
  opts: Partial<IngestOptions>,
  noNative: boolean,
  host: (h: StoredHost | EncodedHost) => T,
): Promise<{ hosts: T[]; plain: PlainCount[]; records: number; problems: string[] }> {
  if (noNative) process.env.EXCENSUS_NO_NATIVE = '1';
  try {
    const hosts: T[] = [];
    const plain: PlainCount[] = [];
    const summary = await ingestFiles(
      [file],
      { asOf: '2024-06-01', keepObservations: false, defaultTimestamp: '2024-06-01T00:00:00.000Z', ...opts },
      async (batch, counts) => {
        for (const h of batch) hosts.push(host(h));
        if (counts) plain.push(...counts);
      },
    );
    return {
      hosts,
      plain,
      records: summary.records,
      problems: summary.problems.map((p) => `${p.line}: ${p.reason}`),
    };
  } finally {
    delete process.env.EXCENSUS_NO_NATIVE;
  }
}
