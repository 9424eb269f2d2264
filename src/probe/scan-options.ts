// Parsing of the scanner's option values: durations, byte sizes, shard "i/N".
import { UsageError } from '../core/errors.js';

/** "5s", "500ms", "2m", or a bare number of seconds -> milliseconds. */
export function parseDuration(name: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--${name} must be a duration like 5s, 500ms or 2m, got "${text}"`);
  const v = Number(m[1]);
  const msValue = m[2] === 'ms' ? v : m[2] === 'm' ? v * 60_000 : v * 1000;
  if (msValue < 1) throw new UsageError(`--${name} must be at least 1ms`);
  return Math.round(msValue);
}

/** "65536", "64k", "1m" -> bytes. */
export function parseBytes(name: string, text: string): number {
  const m = /^(\d+)([kKmM])?$/.exec(text.trim());
  if (!m) throw new UsageError(`--${name} must be a byte count like 65536, 64k or 1m, got "${text}"`);
  const mult = m[2] === undefined ? 1 : /k/i.test(m[2]) ? 1024 : 1024 * 1024;
  const v = Number(m[1]) * mult;
  if (v < 1) throw new UsageError(`--${name} must be at least 1 byte`);
  return v;
}

/** "i/N", 1 <= i <= N (masscan's convention). */
export function parseShard(text: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (!m || count < 1 || index < 1 || index > count)
    throw new UsageError(`--shard must be i/N with 1 <= i <= N, got "${text}"`);
  return { index, count };
}

/** A User-Agent goes into every request line set: printable ASCII only, so it cannot add headers. */
export function parseUserAgent(text: string): string {
  if (!/^[\x20-\x7e]{1,256}$/.test(text))
    throw new UsageError('--user-agent must be 1-256 printable ASCII characters (no line breaks)');
  return text;
}
