// Guesses an input's format from its first bytes (the file name is only a tie-breaker).
import { ConfigError, UsageError } from '../core/errors.js';
import { FORMATS, JSON_RECORD_FORMATS, type IngestFormat } from './types.js';

export interface Detected {
  format: IngestFormat;
  /** For JSON formats: one record per line, or a document (pretty-printed / array / envelope). */
  layout: 'lines' | 'document';
  /** masscan sub-format. */
  variant?: 'json' | 'list';
}

export function detectFormat(head: Buffer, name: string, forced?: string): Detected {
  const text = head.toString('utf8').replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  if (forced !== undefined) return forcedFormat(forced, trimmed);
  const lower = name.toLowerCase();
  if (trimmed.startsWith('<')) {
    if (/<nmaprun\b/.test(text) || lower.endsWith('.xml')) return { format: 'nmap', layout: 'document' };
  }
  if (/^#masscan\b/.test(trimmed) || /^(open|closed|banner) (tcp|udp|sctp) \d+ /.test(trimmed))
    return { format: 'masscan', layout: 'lines', variant: 'list' };
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    const format = jsonFormat(text);
    if (format)
      return {
        format,
        layout: jsonLayout(format, trimmed),
        ...(format === 'masscan' ? { variant: 'json' as const } : {}),
      };
    throw unknown(name, 'JSON whose fields match no known scan format');
  }
  const firstLine = (trimmed.split(/\r?\n/, 1)[0] ?? '').toLowerCase();
  const cols = firstLine.split(',').map((c) => c.replace(/"/g, '').trim());
  const isShadow =
    cols.includes('ip') &&
    cols.includes('timestamp') &&
    (cols.includes('tag') || cols.includes('geo') || cols.includes('asn'));
  if (isShadow || (/(scan_exchange|device_id|scan_http|shadowserver)/.test(lower) && cols.includes('ip')))
    return { format: 'shadowserver', layout: 'document' };
  if (
    /^"?\d{1,3}(\.\d{1,3}){3}"?\s*(,|$)/.test(firstLine) ||
    /^"?[0-9a-f:]+:[0-9a-f:]*"?\s*,/.test(firstLine) ||
    /^(ip|ip_str|address|addr|saddr|host_ip)\b/.test(firstLine)
  ) {
    return { format: 'csv', layout: 'document' };
  }
  throw unknown(name, 'the first bytes match no known scan format');
}

/** Input the tool cannot read is a runtime failure (exit 1), not a usage error. */
function unknown(name: string, why: string): ConfigError {
  return new ConfigError(
    'E_FORMAT',
    `cannot tell the format of ${name}: ${why}. Known formats: ${FORMATS.join(', ')} (use --format to choose one)`,
  );
}

/** Field names that only one producer writes, checked in the first record's text. */
function jsonFormat(text: string): IngestFormat | undefined {
  const has = (k: string) => text.includes(`"${k}"`);
  if (has('resource') && has('result')) return 'censys';
  if (has('_shodan') || has('ip_str')) return 'shodan';
  if (has('rec_type') || (has('ports') && has('proto') && has('ip'))) return 'masscan';
  if (
    has('data') &&
    has('ip') &&
    /"status"\s*:\s*"[a-z-]+"/.test(text) &&
    (has('result') || has('protocol') || has('error'))
  )
    return 'zgrab2';
  if (has('services') && (has('ip') || has('result'))) return 'censys';
  return undefined;
}

/**
 * NDJSON if one of the first whole lines is a complete JSON object on its own (a broken first
 * record is then reported, not taken for a pretty-printed document that swallows the file);
 * masscan -oJ is always read line by line.
 */
function jsonLayout(format: IngestFormat, trimmed: string): 'lines' | 'document' {
  if (format === 'masscan') return 'lines';
  const lines = trimmed.split('\n', 6);
  if (!lines[0]!.startsWith('{')) return 'document'; // an array, or an envelope
  // the head may cut its last line short: only lines followed by a newline count, unless there is one;
  // records of NDJSON start their line (a pretty-printed document indents what it nests)
  const whole = lines.length === 1 ? lines : lines.slice(0, -1);
  for (const line of whole) {
    if (!line.startsWith('{')) continue;
    try {
      JSON.parse(line);
      return 'lines';
    } catch {
      // not a whole record: look at the next line
    }
  }
  return 'document';
}

function forcedFormat(forced: string, trimmed: string): Detected {
  const f = forced.toLowerCase();
  if (!(FORMATS as readonly string[]).includes(f)) {
    throw new UsageError(`unknown --format "${forced}". Known formats: ${FORMATS.join(', ')}`);
  }
  const format = f as IngestFormat;
  if (format === 'masscan') {
    return trimmed.startsWith('{') || trimmed.startsWith('[')
      ? { format, layout: 'lines', variant: 'json' }
      : { format, layout: 'lines', variant: 'list' };
  }
  if (JSON_RECORD_FORMATS.includes(format)) return { format, layout: jsonLayout(format, trimmed) };
  return { format, layout: 'document' };
}
