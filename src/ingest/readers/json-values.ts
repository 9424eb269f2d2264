// Splits a JSON text stream into its records without parsing them: NDJSON, concatenated or
// pretty-printed objects, or one top-level array whose elements are the records. Each record's
// text is yielded with the line it starts on; memory is bounded by the largest record.
import { StringDecoder } from 'node:string_decoder';

export type JsonValueItem = { line: number; text: string } | { line: number; error: string };

const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/** A record over `maxChars` is skipped (reported with its line) and reading goes on after it. */
export async function* jsonValues(
  chunks: AsyncIterable<Buffer>,
  maxChars = MAX_RECORD_CHARS,
): AsyncGenerator<JsonValueItem> {
  const decoder = new StringDecoder('utf8');
  let line = 1;
  let depth = 0;
  let base = 0; // 1 while inside a top-level array
  let seenAny = false;
  let inString = false;
  let escape = false;
  let parts: string[] = [];
  let partsLen = 0;
  let startLine = 0;
  let junk = false; // a stray scalar at record level, collected up to the end of its line
  let oversized = false; // the current record passed maxChars: its text is no longer kept
  const tooLarge = () => `record larger than ${maxChars} characters skipped`;

  for await (const chunk of chunks) {
    const s = decoder.write(chunk);
    const out: JsonValueItem[] = [];
    let valueStart = depth > base || junk ? 0 : -1;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c === 10) line++;
      if (junk) {
        if (c === 10 || c === 44) {
          out.push({
            line: startLine,
            error: oversized
              ? tooLarge()
              : `not a JSON object: ${(parts.join('') + s.slice(valueStart, i)).trim().slice(0, 60)}`,
          });
          junk = false;
          oversized = false;
          parts = [];
          partsLen = 0;
          valueStart = -1;
        }
        continue;
      }
      if (depth > base) {
        if (inString) {
          if (escape) escape = false;
          else if (c === 92) escape = true;
          else if (c === 34) inString = false;
          continue;
        }
        if (c === 34) inString = true;
        else if (c === 123 || c === 91) depth++;
        else if (c === 125 || c === 93) {
          depth--;
          if (depth === base) {
            if (oversized) out.push({ line: startLine, error: tooLarge() });
            else {
              const text =
                parts.length > 0 ? parts.join('') + s.slice(valueStart, i + 1) : s.slice(valueStart, i + 1);
              out.push({ line: startLine, text });
            }
            oversized = false;
            parts = [];
            partsLen = 0;
            valueStart = -1;
          }
        }
        continue;
      }
      // record level: between values
      if (c === 32 || c === 10 || c === 13 || c === 9 || c === 44) continue;
      if (c === 91 && base === 0 && !seenAny) {
        base = 1;
        depth = 1;
        seenAny = true;
        continue;
      }
      if (c === 93 && base === 1) {
        base = 0;
        depth = 0;
        continue;
      }
      seenAny = true;
      startLine = line;
      valueStart = i;
      if (c === 123 || c === 91) depth++;
      else junk = true;
    }
    if (valueStart >= 0 && !oversized) {
      parts.push(s.slice(valueStart));
      partsLen += s.length - valueStart;
      if (partsLen > maxChars) {
        // keep following its brackets and strings to find its end, without keeping its text
        oversized = true;
        parts = [];
        partsLen = 0;
      }
    }
    yield* out;
  }
  const tail = parts.join('') + decoder.end();
  if (oversized) yield { line: startLine, error: tooLarge() };
  else if (depth > base && tail.trim())
    yield { line: startLine, error: 'unterminated JSON record at end of input' };
  else if (junk && tail.trim())
    yield { line: startLine, error: `not a JSON object: ${tail.trim().slice(0, 60)}` };
}
