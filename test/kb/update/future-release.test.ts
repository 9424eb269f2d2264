// A release after the saved data: a December SU (with its KB) added to a copy of the build list,
// and a December MSRC document built from the June one that names that KB. After `kb update
// --from DIR` lookup names the release and its CVEs, and a host stored before the update is judged
// with it after `reclassify`. A later update that would drop the release is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { openStore } from '../../../src/store/index.js';
import { fixtureCopy, fixtures, tempDir } from './helpers.js';

const DEC_SU = 'Exchange SE RTM Dec26SU,15.2.2562.55,12/8/2026,KB5130001,\r\n';

/** A December document: June's vulnerabilities under new CVE ids, SE fixed by the December KB (no fixed builds given). */
function decemberDocument(june: string): string {
  return june
    .replaceAll('<cvrf:ID>2026-Jun</cvrf:ID>', '<cvrf:ID>2026-Dec</cvrf:ID>')
    .replace(/CVE-2026-4(5[05]\d\d|7631)/g, (m) => m.replace('CVE-2026-4', 'CVE-2026-9'))
    .replace(/\s*<vuln:FixedBuild>[^<]*<\/vuln:FixedBuild>/g, '')
    .replaceAll(
      '<vuln:Description>5094139</vuln:Description>',
      '<vuln:Description>5130001</vuln:Description>',
    );
}

async function storedRelease(db: string): Promise<string | null> {
  const store = await openStore(db);
  try {
    const scan = await store.getScan('before');
    assert.ok(scan);
    for await (const h of store.iterateHosts(scan.id)) return h.record.classification?.release ?? null;
    return null;
  } finally {
    await store.close();
  }
}

test('a December SU added to the build list becomes a named release; reclassify judges a stored host with it', async () => {
  const from = fixtureCopy();
  appendFileSync(join(from, 'get-exchangebuildnumber', 'ExchangeBuildNumbers.csv'), DEC_SU);
  const june = readFileSync(join(fixtures, 'msrc-cvrf', '2026-Jun.exchange-only.xml'), 'utf8');
  writeFileSync(join(from, 'msrc-cvrf', '2026-Dec.xml'), decemberDocument(june));
  const data = tempDir('kb-future');
  const env = { EXCENSUS_DATA_DIR: data };
  const work = tempDir('kb-future-store');
  const db = join(work, 'census.db');
  const hosts = join(work, 'hosts.csv');
  writeFileSync(hosts, 'ip,port,hostname,build\n192.0.2.10,443,mail.example.com,15.2.2562.55\n');

  // before: the bundled KB does not know the build
  const before = await runCli(['lookup', '15.2.2562.55', '--json', '--as-of', '2026-12-20'], { env });
  assert.equal(before.code, 0, before.stderr);
  assert.notEqual(JSON.parse(before.stdout).release, 'Exchange Server SE RTM Dec26SU');
  const ingest = await runCli(['ingest', hosts, '--db', db, '--name', 'before', '--as-of', '2026-12-20'], {
    env,
  });
  assert.equal(ingest.code, 0, ingest.stderr);
  assert.notEqual(await storedRelease(db), 'Exchange Server SE RTM Dec26SU');

  const update = await runCli(['kb', 'update', '--from', from], { env });
  assert.equal(update.code, 0, update.stderr);
  assert.match(update.stdout, /\+1 builds \(Exchange Server SE RTM Dec26SU 15\.2\.2562\.55\)/);
  assert.match(
    update.stdout,
    /\+31 CVEs \(CVE-2021-26412, fixed in /,
    '24 from the saved months, 7 from December',
  );

  const after = await runCli(['lookup', '15.2.2562.55', '15.2.2562.46', '--json', '--as-of', '2026-12-20'], {
    env,
  });
  assert.equal(after.code, 0, after.stderr);
  const [dec, aug] = after.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  assert.equal(dec.release, 'Exchange Server SE RTM Dec26SU');
  assert.equal(dec.release_date, '2026-12-08');
  assert.equal(dec.exact, true);
  const status = (v: { vulns: { cve: string; status: string }[] }, cve: string): string | undefined =>
    v.vulns.find((x) => x.cve === cve)?.status;
  assert.equal(status(dec, 'CVE-2026-95500'), 'patched');
  assert.equal(status(aug, 'CVE-2026-95500'), 'vulnerable', 'Aug26SU lacks the December fix');
  assert.equal(status(aug, 'CVE-2026-45500'), 'patched', 'June fix included in Aug26SU');

  const re = await runCli(['reclassify', '--db', db, '--scan', 'before', '--as-of', '2026-12-20', '--json'], {
    env,
  });
  assert.equal(re.code, 0, re.stderr);
  assert.equal(JSON.parse(re.stdout).changed, 1);
  assert.equal(await storedRelease(db), 'Exchange Server SE RTM Dec26SU');

  const diff = await runCli(['kb', 'diff', '--json'], { env });
  const d = JSON.parse(diff.stdout);
  assert.deepEqual(d.added_builds, [
    { build: '15.2.2562.55', release: 'Exchange Server SE RTM Dec26SU', date: '2026-12-08' },
  ]);
  const dec95500 = (d.added_cves as { cve: string; family: string; fixed_in: string[] }[]).find(
    (c) => c.cve === 'CVE-2026-95500',
  );
  // the KB of the new SU names its build; the ESU lines keep June's KBs and builds
  assert.deepEqual(dec95500, {
    cve: 'CVE-2026-95500',
    family: 'Other',
    fixed_in: ['15.2.2562.55', '15.2.1748.46', '15.2.1544.41', '15.1.2507.69'],
  });

  // the saved sources without December would drop what the KB in use knows: refused, then allowed
  const older = await runCli(['kb', 'update', '--from', fixtures], { env });
  assert.equal(older.code, 1);
  assert.match(
    older.stderr,
    /would remove what the KB in use .* knows: build 15\.2\.2562\.55 \(Exchange Server SE RTM Dec26SU\); CVE CVE-2026-95500/,
  );
  const still = await runCli(['lookup', '15.2.2562.55', '--json', '-q'], { env });
  assert.equal(JSON.parse(still.stdout).release, 'Exchange Server SE RTM Dec26SU', 'the KB in use stayed');
  const allowed = await runCli(['kb', 'update', '--from', fixtures, '--allow-removals'], { env });
  assert.equal(allowed.code, 0, allowed.stderr);
  assert.match(allowed.stdout, /-1 builds \(Exchange Server SE RTM Dec26SU 15\.2\.2562\.55\)/);
});
