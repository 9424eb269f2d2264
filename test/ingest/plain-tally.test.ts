// Plain counts from bytes (the native reader's output) equal the counts from text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlainTally, type PlainCount } from '../../src/ingest/fast/plain-tally.js';

const sorted = (counts: PlainCount[]) =>
  counts.map((c) => `${c.source}|${c.country}|${c.asn ?? -1}|${c.asnOrg ?? ''}|${c.n}`).sort();

test('addBytes counts as add does: field boundaries, ASNs, UTF-8 names, and both ways into one count', () => {
  const records: Array<[string, number, string]> = [
    ['DE', 3320, 'Deutsche Telekom AG'],
    ['DE', 3320, 'Deutsche Telekom AG'],
    ['DE', 3321, 'Deutsche Telekom AG'],
    ['D', 3320, 'EDeutsche Telekom AG'], // same bytes run on, split elsewhere
    ['BR', 28573, 'Claro S.A.'],
    ['FR', 12322, 'Free SAS – Société'],
    ['FR', 12322, 'Free SAS – Société'],
    ['JP', 0, ''],
    ['JP', 0, ''],
    // two keys with the same hash: counted apart
    ['US', 1, '007957mg'],
    ['US', 1, '8m90ivzm'],
    ['US', 1, '8m90ivzm'],
    // a leading U+FEFF is part of the name, as the other paths read it
    ['NL', 1136, '\ufeffKPN'],
    ['NL', 1136, 'KPN'],
  ];
  const text = new PlainTally('shodan');
  for (const [c, a, o] of records) text.add(c, a, o);
  const bytes = new PlainTally('shodan');
  // fields sit anywhere in a shared buffer, as the native reader writes them
  const enc = new TextEncoder();
  for (const [c, a, o] of records) {
    const cb = enc.encode(c);
    const ob = enc.encode(o);
    const buf = new Uint8Array(7 + cb.length + 3 + ob.length);
    buf.set(cb, 7);
    buf.set(ob, 7 + cb.length + 3);
    bytes.addBytes(buf, 7, cb.length, a, 7 + cb.length + 3, ob.length);
  }
  assert.equal(bytes.size > 0, true);
  const fromText = sorted(text.take());
  assert.deepEqual(sorted(bytes.take()), fromText);
  assert.ok(fromText.includes('shodan|US|1|8m90ivzm|2') && fromText.includes('shodan|NL|1136|\ufeffKPN|1'));
  assert.equal(bytes.size, 0, 'take() starts afresh');
  // one count, reached by text and by bytes
  const both = new PlainTally('shodan');
  both.add('NL', 1136, 'KPN');
  const b = enc.encode('NLKPN');
  both.addBytes(b, 0, 2, 1136, 2, 3);
  assert.deepEqual(sorted(both.take()), ['shodan|NL|1136|KPN|2']);
});
