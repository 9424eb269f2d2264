// A tag's attributes are read in one pass; they are those a search for `name="value"` from every
// position finds (the definition they had), on random tag texts of the characters that matter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { xmlTokens } from '../../src/core/xml-tokens.js';
import { makeRng } from '../../src/lab/rng.js';

async function* chunksOf(text: string): AsyncGenerator<Buffer> {
  yield Buffer.from(text);
}

/** The former definition: a global search over the text after the tag's name. */
function searched(rest: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  const re = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;
  for (let a = re.exec(rest); a; a = re.exec(rest)) attrs[a[1]!] = a[2] ?? a[3] ?? '';
  return attrs;
}

test('attributes read in one pass equal those a search from every position finds', async () => {
  const rnd = makeRng(7);
  const alphabet = ['a', 'b', 'x', '=', '"', "'", ' ', '\t', '/', '\u00a0', '-'];
  let compared = 0;
  for (let i = 0; i < 40_000; i++) {
    let body = '';
    const n = 1 + Math.floor(rnd() * 24);
    for (let k = 0; k < n; k++) body += alphabet[Math.floor(rnd() * alphabet.length)];
    const tag = `<t ${body}>`;
    const tokens = [];
    for await (const t of xmlTokens(chunksOf(tag))) tokens.push(t);
    const open = tokens.find((t) => t.type === 'open');
    if (!open || open.type !== 'open' || open.name !== 't') continue;
    const inner = tag.slice(1, open.selfClosing ? -2 : -1);
    assert.deepEqual(open.attrs, searched(inner.slice(1)), JSON.stringify(tag));
    compared++;
  }
  assert.ok(compared > 10_000, `only ${compared} tags compared`);
});
