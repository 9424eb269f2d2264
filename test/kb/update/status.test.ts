// Which KB is in use and how old it is, with a fixed clock: Patch Tuesday dates, the warning every
// judging command prints once (and --quiet silences), `kb status`, pinning with --kb / EXCENSUS_KB,
// and the data dir taken from the environment (tests never touch the real home directory).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { kbStaleness, lastPatchTuesday, patchTuesday, stalenessWarning } from '../../../src/kb/staleness.js';
import { userDataDir } from '../../../src/kb/locations.js';
import { loadKnowledgeBase } from '../../../src/kb/load.js';
import { bundledDataDir } from '../../../src/kb/locations.js';
import { fixtures, tempDir } from './helpers.js';

const at = (date: string): Date => new Date(`${date}T12:00:00Z`);
const WARNING =
  /excensus: the knowledge base in use \(\S+, current as of (\S+)\) predates the Patch Tuesday of (\S+); run `excensus kb update`/g;

test('Patch Tuesday is the second Tuesday; the last one is on or before today', () => {
  assert.equal(patchTuesday(2026, 8), '2026-08-11');
  assert.equal(patchTuesday(2026, 9), '2026-09-08');
  assert.equal(patchTuesday(2026, 12), '2026-12-08');
  assert.equal(patchTuesday(2027, 1), '2027-01-12');
  assert.equal(patchTuesday(2024, 10), '2024-10-08'); // the month starts on a Tuesday
  assert.equal(lastPatchTuesday('2026-09-07'), '2026-08-11');
  assert.equal(lastPatchTuesday('2026-09-08'), '2026-09-08');
  assert.equal(lastPatchTuesday('2027-01-05'), '2026-12-08');
});

test('stale only when the KB predates the last Patch Tuesday and that day is more than 7 days past', () => {
  assert.equal(kbStaleness('2026-08-11', '2026-09-15').stale, false, '7 days after: the grace week');
  assert.equal(kbStaleness('2026-08-11', '2026-09-16').stale, true);
  assert.equal(kbStaleness('2026-09-08', '2026-10-05').stale, false, 'checked on Patch Tuesday itself');
  assert.equal(kbStaleness('2026-09-07', '2026-09-30').stale, true);
  assert.equal(kbStaleness('2026-08-11', '2026-09-16').ageDays, 36);
  assert.equal(
    stalenessWarning({ version: 'v', date: '2026-09-10' }, '2026-10-21'),
    stalenessWarning({ version: 'v', date: '2026-09-10' }, '2026-10-21'),
  );
  assert.match(
    stalenessWarning({ version: 'v1', date: '2026-09-10' }, '2026-10-21') ?? '',
    /\(v1, current as of 2026-09-10\) predates the Patch Tuesday of 2026-10-13/,
  );
});

test('a judging command warns once on stderr when the KB is stale; --quiet silences it', async () => {
  const env = { EXCENSUS_DATA_DIR: tempDir('kb-stale') };
  const bundled = loadKnowledgeBase(bundledDataDir());
  assert.equal(bundled.date, '2026-08-11', 'the bundled KB is current as of its newest release');
  const fresh = await runCli(['lookup', '15.2.2562.46'], { env, now: at('2026-09-15') });
  assert.equal(fresh.code, 0, fresh.stderr);
  assert.doesNotMatch(fresh.stderr, WARNING);
  const stale = await runCli(['lookup', '15.2.2562.46'], { env, now: at('2026-09-16') });
  assert.equal([...stale.stderr.matchAll(WARNING)].length, 1, stale.stderr);
  assert.match(stale.stderr, /current as of 2026-08-11\) predates the Patch Tuesday of 2026-09-08/);
  assert.equal(stale.stdout, fresh.stdout, 'the answer itself does not change');
  for (const flag of ['--quiet', '-q']) {
    const quiet = await runCli(['lookup', flag, '15.2.2562.46'], { env, now: at('2026-09-16') });
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, '');
  }
  const kb = await runCli(['kb', 'status'], { env, now: at('2026-09-16') });
  assert.doesNotMatch(kb.stderr, WARNING, 'kb commands say it in their own words');
});

test('kb status with a fixed clock: bundled, then updated and current as of the update', async () => {
  const env = { EXCENSUS_DATA_DIR: tempDir('kb-status') };
  const before = await runCli(['kb', 'status', '--json'], { env, now: at('2026-09-16') });
  const b = JSON.parse(before.stdout);
  assert.equal(b.origin, 'bundled');
  assert.equal(b.chosen_by, 'bundled');
  assert.equal(b.date, '2026-08-11');
  assert.equal(b.age_days, 36);
  assert.equal(b.last_patch_tuesday, '2026-09-08');
  assert.equal(b.stale, true);
  assert.deepEqual(b.versions, []);
  const text = await runCli(['kb', 'status'], { env, now: at('2026-09-16') });
  assert.match(text.stdout, /knowledge base: \S+ \(bundled; shipped with this version\)/);
  assert.match(text.stdout, /last Patch Tuesday: 2026-09-08 -- this KB predates it/);

  const u = await runCli(['kb', 'update', '--from', fixtures], { env, now: at('2026-09-16') });
  assert.equal(u.code, 0, u.stderr);
  const after = JSON.parse((await runCli(['kb', 'status', '--json'], { env, now: at('2026-10-20') })).stdout);
  assert.equal(after.origin, 'updated');
  assert.equal(after.chosen_by, 'current');
  assert.equal(after.date, '2026-09-16');
  assert.equal(after.data_date, '2026-08-11');
  assert.equal(after.age_days, 34);
  assert.equal(after.stale, false);
  assert.equal(after.sources[0].name, 'builds');
  assert.match(after.sources[0].newest, /Aug26SU .*\(2026-08-11\)/);
  assert.equal(after.sources[0].fetched_at, '2026-09-16T12:00:00.000Z');
  assert.equal(after.versions.length, 1);
  assert.equal(after.versions[0].current, true);
  const late = await runCli(['lookup', '15.2.2562.46'], { env, now: at('2026-10-21') });
  assert.match(late.stderr, /current as of 2026-09-16\) predates the Patch Tuesday of 2026-10-13/);
  // checking again moves the date on, with the same version
  const again = await runCli(['kb', 'update', '--from', fixtures], { env, now: at('2026-10-21') });
  assert.match(again.stdout, /already current/);
  const checked = JSON.parse(
    (await runCli(['kb', 'status', '--json'], { env, now: at('2026-10-21') })).stdout,
  );
  assert.equal(checked.version, after.version);
  assert.equal(checked.date, '2026-10-21');
  assert.equal(checked.versions[0].created_at, '2026-09-16T12:00:00.000Z');
});

test('--kb and EXCENSUS_KB pin a KB by version, directory or "bundled"; an unknown one is an error', async () => {
  const data = tempDir('kb-pin');
  const env = { EXCENSUS_DATA_DIR: data };
  const u = await runCli(['kb', 'update', '--from', fixtures, '--json'], { env });
  const { version, dir } = JSON.parse(u.stdout) as { version: string; dir: string };
  const bundled = loadKnowledgeBase(bundledDataDir()).version;
  const versionOf = async (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<string> => {
    const r = await runCli(['kb', 'status', '--json', ...args], { env: { ...env, ...extra } });
    assert.equal(r.code, 0, r.stderr);
    return (JSON.parse(r.stdout) as { version: string }).version;
  };
  assert.equal(await versionOf([]), version);
  assert.equal(await versionOf(['--kb', 'bundled']), bundled);
  assert.equal(await versionOf([], { EXCENSUS_KB: 'bundled' }), bundled);
  assert.equal(await versionOf(['--kb', version], { EXCENSUS_KB: 'bundled' }), version, 'the flag wins');
  assert.equal(await versionOf([`--kb=${dir}`]), version);
  // a pinned KB is what lookup judges with
  const cve = (await runCli(['lookup', '15.2.2562.46', '--json', '-q', '--kb', 'bundled'], { env })).stdout;
  assert.ok(!cve.includes('CVE-2026-45500'));
  assert.ok(
    (await runCli(['lookup', '15.2.2562.46', '--json', '-q'], { env })).stdout.includes('CVE-2026-45500'),
  );
  const bad = await runCli(['lookup', '15.2.2562.46', '--kb', join(data, 'nope')], { env });
  assert.equal(bad.code, 1);
  assert.match(
    bad.stderr,
    /no knowledge base ".*nope": give a directory holding builds\.json, a version in .*, or "bundled" \[E_KB_NOT_FOUND\]/,
  );
  const noValue = await runCli(['lookup', '15.2.2562.46', '--kb'], { env });
  assert.equal(noValue.code, 2);
  // kb diff between the two
  const d = JSON.parse((await runCli(['kb', 'diff', 'bundled', version, '--json'], { env })).stdout);
  assert.equal(d.from, bundled);
  assert.equal(d.to, version);
  assert.equal(d.added_cves.length, 24);
  assert.deepEqual(d.removals, []);
});

test('the data dir: EXCENSUS_DATA_DIR, else XDG_DATA_HOME, else ~/.local/share', () => {
  assert.equal(userDataDir({ EXCENSUS_DATA_DIR: '/x/data', XDG_DATA_HOME: '/y', HOME: '/h' }), '/x/data');
  assert.equal(userDataDir({ XDG_DATA_HOME: '/y', HOME: '/h' }), '/y/exchange-census');
  assert.equal(userDataDir({ HOME: '/h' }), '/h/.local/share/exchange-census');
  assert.notEqual(
    process.env.EXCENSUS_DATA_DIR,
    undefined,
    'the test runner gives tests a data dir of their own',
  );
});

test('kb usage errors exit 2 and say what is wrong', async () => {
  const env = { EXCENSUS_DATA_DIR: tempDir('kb-usage') };
  const cases: [string[], RegExp][] = [
    [['kb'], /say update, status or diff/],
    [['kb', 'refresh'], /unknown kb command "refresh"/],
    [
      ['kb', 'update', '--from', fixtures, '--mirror', 'http://127.0.0.1:9/'],
      /--from DIR or --mirror URL, not both/,
    ],
    [['kb', 'update', '--mirror', 'ftp://127.0.0.1/'], /--mirror must be an http:\/\/ or https:\/\/ URL/],
    [['kb', 'update', '--from', join(fixtures, 'nope')], /--from: no directory/],
    [['kb', 'update', '--from', fixtures, '--cvrf', '2026-June'], /--cvrf: "2026-June" is not a document id/],
    [['kb', 'diff', 'a', 'b', 'c'], /at most two/],
  ];
  for (const [args, message] of cases) {
    const r = await runCli(args, { env });
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
  }
});

test('an update built on bundled data this package no longer ships, and no newer, gives way to it', async () => {
  const env = { EXCENSUS_DATA_DIR: tempDir('kb-base') };
  const now = { env, now: at('2026-09-16') };
  const u = await runCli(['kb', 'update', '--from', fixtures], now);
  assert.equal(u.code, 0, u.stderr);
  const mine = JSON.parse((await runCli(['kb', 'status', '--json'], now)).stdout);
  assert.equal(mine.chosen_by, 'current', 'built on the bundled KB in use: it is used');
  // as after a package upgrade: the update's base is not the bundled KB any more (same data date)
  const dir = join(userDataDir(env), 'kb', mine.version);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  assert.equal(manifest.base_version, loadKnowledgeBase(bundledDataDir()).version);
  writeFileSync(
    join(dir, 'manifest.json'),
    JSON.stringify({ ...manifest, base_version: 'an-older-package' }),
  );
  const status = JSON.parse((await runCli(['kb', 'status', '--json'], now)).stdout);
  assert.equal(status.origin, 'bundled');
  assert.match(status.note, /built on bundled data \(an-older-package\) this package no longer ships/);
  const text = await runCli(['kb', 'status'], now);
  assert.match(text.stdout, /run `excensus kb update` to rebuild it on the new base/);
});
