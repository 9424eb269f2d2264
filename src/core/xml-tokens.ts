// A small streaming XML tokenizer: start/end tags with attributes, text, with entity decoding.
// Enough for machine-written XML (nmap -oX, MSRC CVRF); comments, PIs, DOCTYPE and CDATA are handled.
import { StringDecoder } from 'node:string_decoder';

export type XmlToken =
  | { type: 'open'; name: string; attrs: Record<string, string>; selfClosing: boolean; line: number }
  | { type: 'close'; name: string; line: number }
  | { type: 'text'; text: string; line: number }
  | { type: 'error'; reason: string; line: number };

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
const MAX_TAG = 16 * 1024 * 1024;

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e] ?? m;
  });
}

// An attribute at a position (sticky), the run of name characters there, and what can start none.
const ATTR_AT = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const NAME_RUN = /[^\s=/>]+/y;
const GAP = /[\s=/>]*/y;

export async function* xmlTokens(chunks: AsyncIterable<Buffer>): AsyncGenerator<XmlToken> {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let line = 1;
  const countNl = (s: string) => {
    let n = 0;
    for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
    return n;
  };
  for await (const chunk of chunks) {
    buf += decoder.write(chunk);
    const out: XmlToken[] = [];
    let pos = 0;
    for (;;) {
      const lt = buf.indexOf('<', pos);
      if (lt < 0) {
        break; // keep text until its tag closes it, so text is never split
      }
      if (lt > pos) {
        const text = buf.slice(pos, lt);
        if (text.trim()) out.push({ type: 'text', text: decodeEntities(text), line });
        line += countNl(text);
        pos = lt;
      }
      let end: number;
      let kind: 'comment' | 'cdata' | 'pi' | 'decl' | 'tag';
      if (buf.startsWith('<!--', lt)) {
        kind = 'comment';
        end = buf.indexOf('-->', lt + 4);
        if (end >= 0) end += 3;
      } else if (buf.startsWith('<![CDATA[', lt)) {
        kind = 'cdata';
        end = buf.indexOf(']]>', lt + 9);
        if (end >= 0) end += 3;
      } else if (buf.startsWith('<?', lt)) {
        kind = 'pi';
        end = buf.indexOf('?>', lt + 2);
        if (end >= 0) end += 2;
      } else if (buf.startsWith('<!', lt)) {
        kind = 'decl';
        end = buf.indexOf('>', lt + 2);
        if (end >= 0) end += 1;
      } else {
        kind = 'tag';
        end = tagEnd(buf, lt + 1);
      }
      if (end < 0) break; // incomplete: wait for more input
      const raw = buf.slice(lt, end);
      if (kind === 'cdata') out.push({ type: 'text', text: raw.slice(9, -3), line });
      else if (kind === 'tag') out.push(parseTag(raw, line));
      line += countNl(raw);
      pos = end;
    }
    buf = buf.slice(pos);
    if (buf.length > MAX_TAG) {
      yield* out;
      yield { type: 'error', reason: `XML construct longer than ${MAX_TAG} characters`, line };
      return;
    }
    yield* out;
  }
  buf += decoder.end();
  if (buf.trim()) yield { type: 'error', reason: 'XML ends inside a tag (truncated file?)', line };
}

/** Index after the '>' closing a tag, skipping '>' inside quoted attribute values; -1 if absent. */
function tagEnd(s: string, from: number): number {
  let quote = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 34 || c === 39) quote = c;
    else if (c === 62) return i + 1;
  }
  return -1;
}

function parseTag(raw: string, line: number): XmlToken {
  if (raw[1] === '/') return { type: 'close', name: raw.slice(2, -1).trim(), line };
  const selfClosing = raw.endsWith('/>');
  const inner = raw.slice(1, selfClosing ? -2 : -1);
  const m = /^[^\s/>]+/.exec(inner);
  if (!m) return { type: 'error', reason: `malformed tag ${raw.slice(0, 40)}`, line };
  return { type: 'open', name: m[0], attrs: attributes(inner.slice(m[0].length)), selfClosing, line };
}

/**
 * Every `name="value"` (or 'value') in a tag's text after its name, junk between them skipped. An
 * attribute's name is a whole run of name characters (a shorter one is followed by another name
 * character, not by "="), so a run whose start gives none is skipped whole: a search from each of
 * its characters took time quadratic in a long run (a damaged file's 500 KB tag took a minute).
 */
function attributes(rest: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (let p = 0; p < rest.length;) {
    GAP.lastIndex = p;
    GAP.exec(rest);
    p = GAP.lastIndex;
    if (p >= rest.length) break;
    ATTR_AT.lastIndex = p;
    const a = ATTR_AT.exec(rest);
    if (a) {
      attrs[a[1]!] = decodeEntities(a[2] ?? a[3] ?? '');
      p = ATTR_AT.lastIndex;
    } else {
      NAME_RUN.lastIndex = p;
      NAME_RUN.exec(rest);
      p = NAME_RUN.lastIndex;
    }
  }
  return attrs;
}
