import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { csvField, csvLine } from '../../src/report/csv.js';
import { HOSTS_CSV_HEADER, hostCsvLine } from '../../src/report/hosts-csv.js';
import { makeRecord } from './records.js';

/** Minimal RFC 4180 reader, to check that what we write parses back to the same fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  return rows;
}

describe('CSV', () => {
  it('neutralises formula starts = + - @ tab CR with a single quote', () => {
    for (const hostile of ['=HYPERLINK("http://x","y")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1']) {
      const out = csvField(hostile);
      const back = parseCsv(`${out}\r\n`)[0]?.[0] ?? '';
      assert.equal(back[0], "'", `${JSON.stringify(hostile)} -> ${out}`);
      assert.equal(back.slice(1), hostile);
    }
    assert.equal(csvField('mail.example.com'), 'mail.example.com');
    assert.equal(csvField(-1), '-1', 'our own numbers are not text');
  });

  it('quotes commas, quotes and line breaks per RFC 4180', () => {
    const line = csvLine(['a,b', 'say "hi"', 'two\nlines', 'x\r\ny', ' pad ', null, 3, true]);
    assert.deepEqual(parseCsv(line), [['a,b', 'say "hi"', 'two\nlines', 'x\r\ny', ' pad ', '', '3', 'true']]);
  });

  it('host export keeps ShadowServer columns first and survives hostile hostnames and server names', () => {
    const header = parseCsv(HOSTS_CSV_HEADER)[0] ?? [];
    assert.deepEqual(header.slice(0, 16), [
      'timestamp',
      'ip',
      'protocol',
      'port',
      'hostname',
      'tag',
      'asn',
      'geo',
      'region',
      'city',
      'naics',
      'hostname_source',
      'sector',
      'version',
      'servername',
      'url',
    ]);
    assert.deepEqual(header.slice(16), [
      'product',
      'release',
      'eol',
      'eol_date',
      'vulnerable_cves',
      'likely_cves',
      'recommendation',
      'suspect',
      'front',
      'windows',
      'windows_end_of_support',
      'windows_unsupported',
      'ntlm_dns_computer',
      'ntlm_dns_domain',
    ]);
    const r = makeRecord({
      ip: '192.0.2.7',
      build: 'e2016cu19',
      country: 'DE',
      asn: 3320,
      hostname: "=cmd|' /C calc'!A0",
      serverName: '@evil,"quoted"\nnext',
      recommendation: '-rm -rf',
      vulns: [
        ['ProxyLogon', 'vulnerable'],
        ['ProxyShell', 'likely'],
      ],
    });
    // Behind a front, on a Windows past support; the NTLM names are hostile too.
    Object.assign(r.evidence, {
      fronted: true,
      front: 'BIG-IP',
      ntlm: { where: 'x', dnsComputer: '+EX01.corp.local', dnsDomain: 'corp.local' },
    });
    r.windows = {
      version: '6.3.9600',
      product: 'Windows Server 2012 R2',
      endOfSupport: '2023-10-10',
      unsupported: true,
    };
    const rows = parseCsv(HOSTS_CSV_HEADER + hostCsvLine(r, '2026-01-01'));
    assert.equal(rows.length, 2);
    const row = Object.fromEntries(header.map((h, i) => [h, rows[1]?.[i]]));
    assert.equal(row.hostname, "'=cmd|' /C calc'!A0");
    assert.equal(row.servername, `'@evil,"quoted"\nnext`);
    assert.equal(row.recommendation, "'-rm -rf");
    assert.equal(row.timestamp, '2026-11-01 12:00:00');
    assert.equal(row.tag, 'exchange;cve-2021-26855');
    assert.equal(row.version, '15.1.2176.2');
    assert.equal(row.eol, 'true');
    assert.equal(row.vulnerable_cves, 'CVE-2021-26855');
    assert.equal(row.likely_cves, 'CVE-2021-34473');
    assert.equal(row.front, 'BIG-IP');
    assert.equal(row.windows, 'Windows Server 2012 R2');
    assert.equal(row.windows_unsupported, 'true');
    assert.equal(row.ntlm_dns_computer, "'+EX01.corp.local");
    for (const cell of rows[1] ?? []) assert.doesNotMatch(cell, /^[=+\-@\t\r]/);
  });
});
