// Format registry: detected format + layout -> the reader that turns it into observations.
import type { Detected } from '../detect.js';
import type { FormatReader, IngestFormat, LineResult, ReadItem } from '../types.js';
import { jsonValues } from './json-values.js';
import { jsonLineParser, type RecordMapper } from './json-line.js';
import { mapShodanRecord, SHODAN_SKELETON } from './shodan.js';
import { shodanFastPath } from './shodan-fast.js';
import type { FastPath } from '../fast/fast-reader.js';
import type { SkeletonTree } from '../fast/skeleton-reader.js';
import { mapCensysRecord } from './censys.js';
import { mapZgrab2Record } from './zgrab2.js';
import { parseMasscanJsonLine, parseMasscanListLine } from './masscan.js';
import { readNmap } from './nmap.js';
import { readShadowserver } from './shadowserver.js';
import { readPlainCsv } from './plain-csv.js';

/** JSON formats: the mapper of one record, the fast path of their lines and the keys the mapper reads, if any. */
const JSON_FORMATS: Partial<
  Record<IngestFormat, { map: RecordMapper; fastPath?: FastPath; skeleton?: SkeletonTree }>
> = {
  shodan: { map: mapShodanRecord, fastPath: shodanFastPath, skeleton: SHODAN_SKELETON },
  censys: { map: mapCensysRecord },
  zgrab2: { map: mapZgrab2Record },
};

export function readerFor(d: Detected): FormatReader {
  const json = JSON_FORMATS[d.format];
  if (json) {
    const mapper = json.map;
    if (d.layout === 'lines')
      return {
        kind: 'lines',
        parseLine: jsonLineParser(mapper),
        ...(json.fastPath ? { fastPath: json.fastPath } : {}),
        ...(json.skeleton ? { skeleton: { tree: json.skeleton, map: mapper } } : {}),
      };
    return { kind: 'stream', read: (chunks) => readJsonDocument(chunks, mapper) };
  }
  switch (d.format) {
    case 'masscan':
      return { kind: 'lines', parseLine: d.variant === 'list' ? parseMasscanListLine : parseMasscanJsonLine };
    case 'nmap':
      return { kind: 'stream', read: readNmap };
    case 'shadowserver':
      return { kind: 'stream', read: readShadowserver };
    default:
      return { kind: 'stream', read: readPlainCsv };
  }
}

/** Line-format parser by name, for worker threads (which cannot receive functions). */
export function lineParserFor(d: Detected): (text: string) => LineResult {
  const r = readerFor(d);
  if (r.kind !== 'lines') throw new Error(`format ${d.format} is not line-oriented`);
  return r.parseLine;
}

async function* readJsonDocument(chunks: AsyncIterable<Buffer>, map: RecordMapper): AsyncGenerator<ReadItem> {
  for await (const item of jsonValues(chunks)) {
    if ('error' in item) {
      yield item;
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(item.text);
    } catch (err) {
      yield { line: item.line, error: `invalid JSON: ${(err as Error).message}` };
      continue;
    }
    const r = map(value);
    yield Array.isArray(r) ? { line: item.line, observations: r } : { line: item.line, error: r.error };
  }
}
