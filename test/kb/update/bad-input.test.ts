// Every bad input of the issue, through `kb update --from` on a changed copy of the saved sources:
// a file the parsers do not understand is a named error and nothing is written; a row they cannot
// read is reported with its line and skipped; the KB written is never corrupt.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, type CliResult } from '../../helpers/cli.js';
import { loadKnowledgeBase } from '../../../src/kb/load.js';
import { fixtureCopy, tempDir } from './helpers.js';

const CSV = join('get-exchangebuildnumber', 'ExchangeBuildNumbers.csv');
const KEV = join('kev-data', 'known_exploited_vulnerabilities.exchange-only.json');

async function updateFrom(
  change: (read: (p: string) => string, write: (p: string, text: string) => void) => void,
): Promise<CliResult & { data: string }> {
  const from = fixtureCopy();
  change(
    (p) => readFileSync(join(from, p), 'utf8'),
    (p, text) => writeFileSync(join(from, p), text),
  );
  const data = tempDir('kb-bad');
  const r = await runCli(['kb', 'update', '--from', from, '--json'], { env: { EXCENSUS_DATA_DIR: data } });
  return { ...r, data };
}

function written(data: string): boolean {
  return existsSync(join(data, 'kb', 'current'));
}

function json(r: CliResult): {
  status: string;
  dir: string;
  skipped: string[];
  errors: string[];
  failures: { source: string; code: string; message: string }[];
} {
  return JSON.parse(r.stdout);
}

test('a build list with a column this version does not know is refused', async () => {
  const r = await updateFrom((read, write) =>
    write(CSV, read(CSV).replace('KB,Blog\r\n', 'KB,Blog,Notes\r\n')),
  );
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /builds: .*columns this version does not know \(Notes\); refused until data\/kb-sources\.json .*\[E_NEWER_FORMAT\]/,
  );
  assert.ok(!written(r.data));
});

test('a truncated build list: cut inside a row it is refused; a short row is skipped with its line', async () => {
  const cut = await updateFrom((read, write) => write(CSV, read(CSV).slice(0, 20_000)));
  assert.equal(cut.code, 1);
  assert.match(cut.stderr, /builds: .*truncated \(the last line has no line end\) \[E_FORMAT\]/);
  assert.ok(!written(cut.data));

  const short = await updateFrom((read, write) =>
    write(
      CSV,
      read(CSV).replace(
        'Exchange SE RTM Aug26SU,15.2.2562.46,8/11/2026,KB5121573,',
        'Exchange SE RTM Aug26SU,15.2.2562.46',
      ),
    ),
  );
  assert.equal(short.code, 0, short.stderr);
  assert.match(
    short.stderr,
    /skipped: .*ExchangeBuildNumbers\.csv line 341: 2 fields where the header has 5; skipped/,
  );
  // the build stays: the bundled data has it
  assert.ok(loadKnowledgeBase(json(short).dir).byBuild.has('15.2.2562.46'));
});

test('the same build twice with different dates: reported, and neither row is trusted', async () => {
  const r = await updateFrom((read, write) =>
    write(
      CSV,
      read(CSV) +
        'Exchange SE RTM Dec26SU,15.2.2562.55,12/8/2026,KB5130001,\r\n' +
        'Exchange SE RTM Dec26SUv2,15.2.2562.55,12/15/2026,KB5130002,\r\n',
    ),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /skipped: 15\.2\.2562\.55 is listed 2 times with different dates \(2026-12-08, 2026-12-15; lines 342, 343\); skipped/,
  );
  assert.equal(loadKnowledgeBase(json(r).dir).byBuild.has('15.2.2562.55'), false);
});

test('rows with a bad date, a bad build or an unknown product are skipped with their line numbers', async () => {
  const r = await updateFrom((read, write) =>
    write(
      CSV,
      read(CSV) +
        'Exchange SE RTM Dec26SU,15.2.2562.55,13/8/2026,KB5130001,\r\n' +
        'Exchange SE RTM Jan27SU,15.2.x.57,1/12/2027,KB5130003,\r\n' +
        'Exchange 2028 RTM,15.3.100.1,1/12/2027,,\r\n',
    ),
  );
  assert.equal(r.code, 0, r.stderr);
  const skipped = json(r).skipped.join('\n');
  assert.match(skipped, /line 342: "13\/8\/2026" is not a date M\/D\/YYYY; skipped/);
  assert.match(skipped, /line 343: "15\.2\.x\.57" is not a build; skipped/);
  assert.match(skipped, /line 344: unknown product in "Exchange 2028 RTM"; skipped/);
  assert.equal(loadKnowledgeBase(json(r).dir).builds.length, 366);
});

test('a malformed or truncated CVRF document is refused by name', async () => {
  const doc = join('msrc-cvrf', '2024-Feb.exchange-only.xml');
  const r = await updateFrom((read, write) => write(doc, read(doc).slice(0, 30_000)));
  assert.equal(r.code, 1);
  const f = json(r).failures;
  assert.equal(f.length, 1);
  assert.equal(f[0]?.source, 'cvrf 2024-Feb');
  assert.equal(f[0]?.code, 'E_FORMAT');
  assert.match(f[0]!.message, /malformed XML: .*(truncated|ends inside)/);
  assert.ok(!written(r.data));
});

test('a CVRF document of a newer schema, or in JSON, is refused', async () => {
  const doc = join('msrc-cvrf', '2024-Feb.exchange-only.xml');
  const ns = await updateFrom((read, write) =>
    write(doc, read(doc).replaceAll('CVRF/schema/vuln/1.1', 'CVRF/schema/vuln/1.2')),
  );
  assert.equal(ns.code, 1);
  assert.match(
    ns.stderr,
    /cvrf 2024-Feb: .*does not use http:\/\/www\.icasi\.org\/CVRF\/schema\/vuln\/1\.1.*\[E_NEWER_FORMAT\]/,
  );
  const asJson = await updateFrom((_read, write) =>
    write(doc, '{"DocumentTitle":{"Value":"February 2024 Security Updates"}}'),
  );
  assert.match(asJson.stderr, /CVRF as JSON is not read by this version.*\[E_NEWER_FORMAT\]/);
});

test('a CVRF entry naming an unknown product: reported, its fix skipped, the rest kept', async () => {
  const doc = join('msrc-cvrf', '2026-Jun.exchange-only.xml');
  const r = await updateFrom((read, write) =>
    write(
      doc,
      read(doc).replaceAll(
        'Microsoft Exchange Server 2019 Cumulative Update 15',
        'Microsoft Exchange Server 2028 Cumulative Update 1',
      ),
    ),
  );
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /skipped: 2026-Jun CVE-2026-45500: unknown product "Microsoft Exchange Server 2028 Cumulative Update 1"; its fixes are skipped/,
  );
  const kb = loadKnowledgeBase(json(r).dir);
  const c = kb.cves.find((x) => x.cve === 'CVE-2026-45500');
  assert.deepEqual(
    c?.fixedIn.map((f) => f.build),
    ['15.2.2562.43', '15.2.1544.41', '15.1.2507.69'],
  );
  assert.deepEqual(c?.products, ['Exchange Server 2016', 'Exchange Server 2019', 'Exchange Server SE']);

  const cu99 = await updateFrom((read, write) =>
    write(
      doc,
      read(doc).replaceAll(
        'Microsoft Exchange Server 2019 Cumulative Update 15',
        'Microsoft Exchange Server 2019 Cumulative Update 99',
      ),
    ),
  );
  assert.equal(cu99.code, 0, cu99.stderr);
  assert.match(
    cu99.stderr,
    /skipped: 2026-Jun CVE-2026-45500: the build list has no release Exchange Server 2019 CU99; fix KB5094140 skipped/,
  );
});

test('KEV: malformed JSON, a field this version does not know, an Exchange CVE the table lacks', async () => {
  const bad = await updateFrom((read, write) => write(KEV, read(KEV).slice(0, 500)));
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /kev: .*malformed JSON .*\[E_FORMAT\]/);
  const newer = await updateFrom((read, write) =>
    write(KEV, read(KEV).replace('"cwes":', '"epss": 0.9,\n            "cwes":')),
  );
  assert.match(
    newer.stderr,
    /kev: .*entry 1 has fields this version does not know \(epss\); refused \[E_NEWER_FORMAT\]/,
  );
  const unknown = await updateFrom((read, write) => {
    const doc = JSON.parse(read(KEV)) as { vulnerabilities: Record<string, unknown>[] };
    doc.vulnerabilities.push({ ...doc.vulnerabilities[0], cveID: 'CVE-2099-12345', dateAdded: '2099-01-01' });
    write(KEV, JSON.stringify(doc));
  });
  assert.equal(unknown.code, 1);
  assert.equal(json(unknown).status, 'refused');
  assert.match(
    unknown.stderr,
    /KEV lists CVE-2099-12345 \(added 2099-01-01\) for our products, but the CVE table lacks it/,
  );
  assert.ok(!written(unknown.data));
});

test('an HTML page saved in place of a source, and a lifecycle page without front matter', async () => {
  const html = await updateFrom((_read, write) =>
    write(CSV, '<!DOCTYPE html>\n<html><body>Sign in</body></html>\n'),
  );
  assert.match(html.stderr, /builds: .*an HTML page, not the CSV build list \[E_HTML\]/);
  const eol = join('endoflife-date', 'msexchange.md');
  const md = await updateFrom((read, write) => write(eol, read(eol).replace(/^---\n/, '')));
  assert.match(md.stderr, /lifecycle: .*no front matter .*\[E_FORMAT\]/);
  assert.ok(!written(md.data));
});

test('a damaged updated KB is refused when loaded; a data dir that cannot be written fails cleanly', async () => {
  const from = fixtureCopy();
  const data = tempDir('kb-damaged');
  const env = { EXCENSUS_DATA_DIR: data };
  const u = await runCli(['kb', 'update', '--from', from, '--json'], { env });
  assert.equal(u.code, 0, u.stderr);
  const dir = json(u).dir;
  writeFileSync(
    join(dir, 'builds.json'),
    readFileSync(join(dir, 'builds.json'), 'utf8').replace('15.2.2562.46', '15.2.2562.47'),
  );
  const look = await runCli(['lookup', '15.2.2562.46'], { env });
  assert.equal(look.code, 1);
  assert.match(look.stderr, /builds\.json does not match its manifest: the knowledge base is damaged/);
  // an update replaces it
  const repair = await runCli(['kb', 'update', '--from', from, '--verbose'], { env });
  assert.equal(repair.code, 0, repair.stderr);
  assert.match(repair.stderr, /note: the KB in use cannot be read .*; compared with the bundled one instead/);
  assert.equal((await runCli(['lookup', '15.2.2562.46', '-q'], { env })).code, 0);

  const blocked = tempDir('kb-blocked');
  writeFileSync(join(blocked, 'kb'), 'not a directory');
  const w = await runCli(['kb', 'update', '--from', from], { env: { EXCENSUS_DATA_DIR: blocked } });
  assert.equal(w.code, 1);
  assert.match(w.stderr, /cannot (write|read) the knowledge bases? under .*kb-blocked.*\/kb/);
  assert.deepEqual(readdirSync(blocked), ['kb']);
});
