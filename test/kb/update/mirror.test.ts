// `kb update --mirror`: the saved upstream copies served by a real HTTP server on 127.0.0.1. The
// KB built from them holds every build of Microsoft's list and the CVEs of the saved MSRC months,
// with the fixing builds data/cves.json gives for the CVEs both know. Network failures, a huge
// answer and an HTML page each fail the update with a named error and write nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { runCli } from '../../helpers/cli.js';
import { startStaticServer } from '../../helpers/static-server.js';
import { loadKnowledgeBase } from '../../../src/kb/load.js';
import { bundledDataDir } from '../../../src/kb/locations.js';
import { updateKnowledgeBase } from '../../../src/run/kb-update.js';
import { loadSourcesConfig } from '../../../src/kb/update/config.js';
import { buildListBuilds, fixtures, savedMonthCves, savedMonths, tempDir } from './helpers.js';

const CVRF = ['--cvrf', savedMonths.join(',')];

test("kb update --mirror builds a KB with every listed build and the saved months' CVEs", async () => {
  const server = await startStaticServer(fixtures);
  const data = tempDir('kb-mirror');
  try {
    const r = await runCli(['kb', 'update', '--mirror', `${server.url}/`, ...CVRF, '--json'], {
      env: { EXCENSUS_DATA_DIR: data },
    });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as {
      status: string;
      version: string;
      dir: string;
      counts: Record<string, number>;
      notes: string[];
      skipped: string[];
    };
    assert.equal(out.status, 'updated');
    assert.deepEqual(out.skipped, []);
    // every source came over HTTP from the loopback mirror, the trimmed CVRF and KEV names after a 404
    assert.ok(server.requests.includes('/get-exchangebuildnumber/ExchangeBuildNumbers.csv'));
    assert.ok(server.requests.includes('/msrc-cvrf/2021-Mar.xml'));
    assert.ok(server.requests.includes('/msrc-cvrf/2021-Mar.exchange-only.xml'));
    assert.ok(server.requests.includes('/kev-data/known_exploited_vulnerabilities.exchange-only.json'));

    const kb = loadKnowledgeBase(out.dir);
    assert.equal(kb.version, out.version);
    assert.equal(kb.origin, 'updated');
    // every build of the list, as a row or as the variant of one the annotations name
    const listed = buildListBuilds();
    assert.equal(listed.length, 340);
    for (const b of listed)
      assert.ok(kb.byBuild.has(b.build) || kb.byAlias.has(b.build), `${b.name} ${b.build}`);
    const release = (build: string): string | undefined => kb.byBuild.get(build)?.release;
    // the ESU builds of 2016/2019 and SE up to Aug26SU
    assert.equal(release('15.1.2507.72'), 'Exchange Server 2016 CU23 Aug26SU');
    assert.equal(release('15.2.1748.49'), 'Exchange Server 2019 CU15 Aug26SU');
    assert.equal(release('15.2.1544.44'), 'Exchange Server 2019 CU14 Aug26SU');
    assert.equal(release('15.1.2507.63'), 'Exchange Server 2016 CU23 Dec25SU');
    assert.equal(release('15.2.2562.46'), 'Exchange Server SE RTM Aug26SU');
    assert.equal(kb.builds.length, 366);

    // the saved months' CVEs, with the bundled fixing builds for the CVEs both know
    const bundled = loadKnowledgeBase(bundledDataDir());
    const known = new Map(bundled.cves.map((c) => [c.cve, c]));
    let both = 0;
    for (const cve of savedMonthCves) {
      const c = kb.cves.find((x) => x.cve === cve);
      assert.ok(c, cve);
      assert.ok(c.fixedIn.length > 0, `${cve} has fixing builds`);
      const b = known.get(cve);
      if (!b) continue;
      both++;
      assert.deepEqual(
        c.fixedIn.map((f) => f.build).sort(),
        b.fixedIn.map((f) => f.build).sort(),
        `${cve}: same fixing builds as data/cves.json`,
      );
    }
    assert.equal(both, 11);
    assert.equal(kb.cves.length, 47);
    assert.equal(out.counts.kev, 17);
    // MSRC disagrees with the bundled fixes once: a line the annotations say only a setting fixes
    const msrc = out.notes.filter((n) => /^CVE-\S+: MSRC .* fixes line/.test(n));
    assert.equal(msrc.length, 1, msrc.join('\n'));
    assert.match(
      msrc[0]!,
      /CVE-2024-21410: MSRC \(2024-Feb\) fixes line 15\.1\.2507 with 15\.1\.2507\.37; the annotations say only a setting/,
    );

    // CSS-Exchange cross-checks and reports; its known disagreement on 2016 CU8/CU9 Mar21SU shows
    assert.ok(
      out.notes.includes(
        "CSS-Exchange: Mar21SU fixes CVE-2021-26855 earlier than the table's first fix (15.1.1415.8 before 15.1.1415.10, 15.1.1466.13 before 15.1.1466.16)",
      ),
      out.notes.join('\n'),
    );
    assert.ok(
      out.notes.some((n) =>
        /^CSS-Exchange gives Exchange Server 2016 CU8 Mar21SU as 15\.1\.1415\.8; the table has .* 15\.1\.1415\.10$/.test(
          n,
        ),
      ),
    );

    // in use from now on; the same sources again change nothing
    const status = await runCli(['kb', 'status', '--json'], { env: { EXCENSUS_DATA_DIR: data } });
    const s = JSON.parse(status.stdout) as Record<string, unknown>;
    assert.equal(s.version, out.version);
    assert.equal(s.origin, 'updated');
    assert.equal((s.sources as unknown[]).length, 5 + savedMonths.length);
    const again = await runCli(['kb', 'update', '--mirror', server.url, ...CVRF], {
      env: { EXCENSUS_DATA_DIR: data },
    });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, new RegExp(`already current: ${out.version.replace(/\./g, '\\.')}`));
  } finally {
    await server.close();
  }
});

test('without --cvrf the documents come from the saved index: missing ones fail by name, nothing is written', async () => {
  const server = await startStaticServer(fixtures);
  const data = tempDir('kb-index');
  try {
    const r = await runCli(['kb', 'update', '--mirror', server.url], { env: { EXCENSUS_DATA_DIR: data } });
    assert.equal(r.code, 1);
    assert.ok(server.requests.includes('/msrc-cvrf/updates.json'));
    assert.match(r.stderr, /cvrf 2021-Apr: not on the mirror: .*2021-Apr\.xml/);
    assert.doesNotMatch(r.stderr, /cvrf 2021-Mar:/, 'a saved document is read');
    assert.doesNotMatch(r.stderr, /cvrf 2020-/, 'documents before the configured first are not read');
    assert.match(r.stderr, /nothing written, the knowledge base in use is still/);
    assert.ok(!existsSync(join(data, 'kb', 'current')));
  } finally {
    await server.close();
  }
});

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

test('offline: every source fails with a clear error, exit 1, and the KB in use stays', async () => {
  const data = tempDir('kb-offline');
  const port = await closedPort();
  const r = await runCli(['kb', 'update', '--mirror', `http://127.0.0.1:${port}`, ...CVRF], {
    env: { EXCENSUS_DATA_DIR: data },
  });
  assert.equal(r.code, 1);
  for (const source of ['builds', 'kev', 'lifecycle', 'css_builds', 'cvrf 2021-Mar'])
    assert.match(
      r.stderr,
      new RegExp(
        `${source}: http://127\\.0\\.0\\.1:${port}/\\S+: cannot connect \\(ECONNREFUSED\\) \\[E_OFFLINE\\]`,
      ),
    );
  assert.deepEqual(readdirSync(data), []);
  const status = await runCli(['kb', 'status', '--json'], { env: { EXCENSUS_DATA_DIR: data } });
  assert.equal((JSON.parse(status.stdout) as { origin: string }).origin, 'bundled');
});

test('a DNS failure is named per source, and nothing is written', async () => {
  const data = tempDir('kb-dns');
  const noDns = ((_host: string, _opts: unknown, cb: (err: NodeJS.ErrnoException) => void) => {
    const err = Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    process.nextTick(() => cb(err));
  }) as never;
  // the public URLs, but names never resolve: no packet leaves the machine
  const r = await updateKnowledgeBase({
    env: { EXCENSUS_DATA_DIR: data },
    origin: { kind: 'live' },
    cvrf: ['2026-Jun'],
    lookup: noDns,
  });
  assert.equal(r.status, 'failed');
  const byName = new Map(r.failures.map((f) => [f.source, f]));
  assert.deepEqual(
    [...byName.keys()],
    ['builds', 'cvrf 2026-Jun', 'kev', 'lifecycle', 'css_builds', 'css_cves'],
  );
  assert.equal(byName.get('builds')?.code, 'E_DNS');
  assert.match(byName.get('builds')!.message, /raw\.githubusercontent\.com.*name not resolved \(ENOTFOUND\)/);
  assert.match(
    byName.get('cvrf 2026-Jun')!.message,
    /api\.msrc\.microsoft\.com\/cvrf\/v3\.0\/cvrf\/2026-Jun/,
  );
  assert.deepEqual(readdirSync(data), []);
});

test('a 2 GB answer is refused on its header, an endless one is cut off at the limit', async () => {
  const cfg = loadSourcesConfig();
  const limit = cfg.sources.builds.max_bytes;
  const path = '/get-exchangebuildnumber/ExchangeBuildNumbers.csv';
  for (const behaviour of [
    { kind: 'huge-declared', bytes: 2 * 1024 ** 3 } as const,
    { kind: 'endless' } as const,
  ]) {
    const server = await startStaticServer(fixtures, { [path]: behaviour });
    const data = tempDir('kb-huge');
    try {
      const before = process.memoryUsage().rss;
      const r = await runCli(['kb', 'update', '--mirror', server.url, ...CVRF], {
        env: { EXCENSUS_DATA_DIR: data },
      });
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /builds: .*ExchangeBuildNumbers\.csv: .*more than the 8 MB allowed.*\[E_TOO_LARGE\]/,
      );
      if (behaviour.kind === 'endless') {
        assert.ok(server.endlessBytes >= limit / 2, `the server got to send ${server.endlessBytes} bytes`);
        assert.ok(
          server.endlessBytes < limit + 8 * 1024 * 1024,
          `cut off near the limit: ${server.endlessBytes}`,
        );
      }
      assert.ok(process.memoryUsage().rss - before < 256 * 1024 * 1024, 'nothing near 2 GB was buffered');
      assert.deepEqual(readdirSync(data), []);
    } finally {
      await server.close();
    }
  }
});

test('an HTML page in place of data, a server error and a server that never answers: named errors', async () => {
  const server = await startStaticServer(fixtures, {
    '/get-exchangebuildnumber/ExchangeBuildNumbers.csv': { kind: 'html' },
    '/kev-data/known_exploited_vulnerabilities.json': { kind: 'status', status: 503 },
    '/endoflife-date/msexchange.md': { kind: 'hang' },
  });
  const data = tempDir('kb-html');
  try {
    const cfg = loadSourcesConfig();
    const r = await updateKnowledgeBase({
      env: { EXCENSUS_DATA_DIR: data },
      origin: { kind: 'mirror', base: server.url },
      cvrf: ['2026-Jun'],
      config: { ...cfg, timeout_seconds: 1 },
    });
    assert.equal(r.status, 'failed');
    const byName = Object.fromEntries(r.failures.map((f) => [f.source, `${f.code} ${f.message}`]));
    assert.match(byName.builds!, /^E_HTML .*an HTML page, not the CSV build list/);
    assert.match(byName.kev!, /^E_HTTP .*known_exploited_vulnerabilities\.json: HTTP 503/);
    assert.match(byName.lifecycle!, /^E_TIMEOUT .*msexchange\.md: no complete answer within 1 s/);
    assert.equal(byName['cvrf 2026-Jun'], undefined, 'the other sources were read');
    assert.deepEqual(readdirSync(data), []);
  } finally {
    await server.close();
  }
});
