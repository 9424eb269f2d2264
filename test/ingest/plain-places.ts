// Shared by the plain-key-places tests: a file of plain Shodan lines and its records on one path.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostRecordToWire } from '../../src/core/wire.js';
import type { IngestOptions } from '../../src/ingest/pipeline.js';
import { generateRecord, rng } from '../../bench/gen-shodan.js';
import { ingestCollected } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-plain-keys-'));

/** Host records (wire form, evidence of plain records left out), problems and the record count. */
export const collectPlaces = (file: string, opts: Partial<IngestOptions>, noNative: boolean) =>
  ingestCollected(file, { format: 'shodan', maxProblems: 100_000, ...opts }, noNative, (h) => {
    const w = hostRecordToWire(h.record);
    return JSON.stringify(w.is_exchange || w.suspect ? w : { ...w, evidence: undefined });
  });

/** Two whole generated banners first (they fix the format), then the lines, each followed by a whole one. */
export function placesFile(name: string, lines: string[]): string {
  const r = rng(5);
  const whole: string[] = [];
  for (let i = 0; whole.length < 4; i++) {
    const { line } = generateRecord(r, i);
    if (!/owa|exchange/i.test(line)) whole.push(line);
  }
  const out = [whole[0]!, whole[1]!];
  lines.forEach((l, i) => out.push(l, whole[i % whole.length]!));
  const file = join(dir, name);
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}
