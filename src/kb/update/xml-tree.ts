// A small element tree from XML text (over the shared core tokenizer), for
// machine-written documents such as MSRC CVRF. Names are kept with their prefixes; subtrees named
// in `skip` (by local name) are dropped on the way, so long prose never stays in memory.
import { xmlTokens } from '../../core/xml-tokens.js';

export interface XmlElement {
  name: string;
  local: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
  line: number;
}

export class XmlError extends Error {}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}

export async function parseXmlTree(text: string, skip: ReadonlySet<string> = new Set()): Promise<XmlElement> {
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  let skipping = 0;
  const chunks = (async function* () {
    yield Buffer.from(text, 'utf8');
  })();
  for await (const t of xmlTokens(chunks)) {
    if (t.type === 'error') throw new XmlError(`line ${t.line}: ${t.reason}`);
    if (skipping > 0) {
      if (t.type === 'open' && !t.selfClosing) skipping++;
      else if (t.type === 'close') skipping--;
      continue;
    }
    if (t.type === 'open') {
      const el: XmlElement = {
        name: t.name,
        local: localName(t.name),
        attrs: t.attrs,
        children: [],
        text: '',
        line: t.line,
      };
      if (skip.has(el.local)) {
        if (!t.selfClosing) skipping = 1;
        continue;
      }
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(el);
      else if (root) throw new XmlError(`line ${t.line}: a second root element <${t.name}>`);
      else root = el;
      if (!t.selfClosing) stack.push(el);
    } else if (t.type === 'close') {
      const open = stack.pop();
      if (!open || open.name !== t.name)
        throw new XmlError(`line ${t.line}: </${t.name}> closes ${open ? `<${open.name}>` : 'nothing'}`);
    } else {
      const top = stack[stack.length - 1];
      if (!top) throw new XmlError(`line ${t.line}: text outside the root element`);
      top.text += t.text;
    }
  }
  if (!root) throw new XmlError('no root element');
  if (stack.length) throw new XmlError(`ends inside <${stack[stack.length - 1]!.name}> (truncated?)`);
  return root;
}

export function child(el: XmlElement, local: string): XmlElement | undefined {
  return el.children.find((c) => c.local === local);
}

export function childrenNamed(el: XmlElement, local: string): XmlElement[] {
  return el.children.filter((c) => c.local === local);
}

export function childText(el: XmlElement, local: string): string | null {
  const c = child(el, local);
  return c ? c.text.trim() : null;
}

/** Every descendant with this local name, in document order. */
export function descendants(el: XmlElement, local: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of el.children) {
    if (c.local === local) out.push(c);
    descendants(c, local, out);
  }
  return out;
}
