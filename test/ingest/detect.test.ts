// Format detection from the first bytes, the file name only as a hint, --format overriding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { detectFormat } from '../../src/ingest/detect.js';
import { ConfigError } from '../../src/core/errors.js';
import { fixtures } from './helpers.js';

const expected: Record<string, string> = {
  'shodan-sample.jsonl': 'shodan/lines',
  'shodan-host-api.synthetic.json': 'shodan/document',
  'censys-v2-host-9.9.9.9.json': 'censys/document',
  'censys-platform-host.shape-illustration.json': 'censys/document',
  'zgrab2-http-sample.jsonl': 'zgrab2/lines',
  'masscan-oJ-sample.json': 'masscan/lines',
  'masscan-oD-ndjson-sample.json': 'masscan/lines',
  'masscan-oL-sample.txt': 'masscan/lines',
  'nmap-sample-scanme.xml': 'nmap/document',
  'shadowserver-scan_exchange-sample.csv': 'shadowserver/document',
  'shadowserver-device_id-sample.csv': 'shadowserver/document',
  'plain-targets.synthetic.csv': 'csv/document',
  'plain-targets-noheader.synthetic.csv': 'csv/document',
};

test('every fixture format is recognised from its content, not its name', () => {
  for (const [name, want] of Object.entries(expected)) {
    const d = detectFormat(readFileSync(fixtures + name), 'input.dat');
    assert.equal(`${d.format}/${d.layout}`, want, name);
  }
});

test('unknown content is a runtime error (exit 1, not a usage error) naming the known formats', () => {
  assert.throws(
    () => detectFormat(Buffer.from('hello world\nthis is not scan data\n'), 'notes.txt'),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.code, 'E_FORMAT');
      assert.match(err.message, /notes\.txt/);
      assert.match(err.message, /shodan, censys, zgrab2, masscan, nmap, shadowserver, csv/);
      return true;
    },
  );
  assert.throws(() => detectFormat(Buffer.from('{"hello": 1}\n'), 'x.json'), ConfigError);
});

test('--format overrides detection and rejects unknown names', () => {
  assert.equal(detectFormat(Buffer.from('192.0.2.1,443\n'), 'a.txt', 'csv').format, 'csv');
  assert.deepEqual(detectFormat(Buffer.from('open tcp 443 192.0.2.1 1680197558\n'), 'a', 'masscan'), {
    format: 'masscan',
    layout: 'lines',
    variant: 'list',
  });
  assert.throws(
    () => detectFormat(Buffer.from(''), 'a', 'parquet'),
    /unknown --format "parquet". Known formats: shodan/,
  );
});

test('NDJSON whose first record is broken is still read line by line; a pretty-printed document is not', () => {
  const good = '{"ip_str": "192.0.2.1", "port": 443, "_shodan": {}}';
  assert.equal(
    detectFormat(Buffer.from(`{"ip_str": "192.0.2.0", "po\n${good}\n${good}\n`), 'x.json').layout,
    'lines',
  );
  assert.equal(detectFormat(Buffer.from(`${good}\n`), 'x.json').layout, 'lines');
  assert.equal(
    detectFormat(Buffer.from(`{\n  "ip_str": "192.0.2.1",\n  "port": 443,\n  "_shodan": {}\n}\n`), 'x.json')
      .layout,
    'document',
  );
  assert.equal(
    detectFormat(
      Buffer.from(`{"ip_str": "192.0.2.1", "data": [\n  {"port": 443},\n  {"port": 80}\n]}\n`),
      'x.json',
    ).layout,
    'document',
  );
});
