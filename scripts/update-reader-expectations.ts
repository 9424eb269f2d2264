// Writes, for each format fixture in test/fixtures/formats, what `excensus ingest` makes of it:
// `<fixture>.expected.jsonl` beside the fixture. test/ingest/reader-fixtures.test.ts runs the same
// command and fails when its output drifts from these files.
//   npm run update-reader-expectations [-- --check] [-- NAME...]
// Each file: a first line naming this script and the command, one host record per line (as
// `ingest --json` prints it), one line per problem, and the run's summary last.
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { repoRoot, runCli } from '../test/helpers/cli.js';

export const fixturesDir = join(repoRoot, 'test', 'fixtures', 'formats');
export const GENERATED_BY = 'npm run update-reader-expectations (scripts/update-reader-expectations.ts)';
const EXPECTED = '.expected.jsonl';
/** Fixed so that classifications (days past end of support, verdicts) do not move with the clock. */
const AS_OF = '2026-06-01';
/** Stands for the time a record without a source timestamp is given at ingest (it changes each run). */
export const INGEST_TIME = '<ingest time>';
/**
 * The classification's fields of a printed host record: what the knowledge base says of the build
 * (tested in test/classify). Left out so that a knowledge-base update does not rewrite reader
 * expectations; the evidence (build, precision, signals) stays.
 */
const CLASSIFICATION_FIELDS = [
  'build',
  'precision',
  'product',
  'on_premises',
  'release',
  'release_kind',
  'release_date',
  'exact',
  'note',
  'eol',
  'eol_date',
  'days_past_eol',
  'vulns',
  'recommendation',
  'cu',
  'sus',
];

/** Every format fixture (the files beside them that are not data are skipped). */
export function fixtureNames(): string[] {
  return readdirSync(fixturesDir)
    .filter((n) => !n.endsWith('.md') && !n.endsWith(EXPECTED))
    .sort();
}

export function expectedPath(fixture: string): string {
  return join(fixturesDir, fixture + EXPECTED);
}

export function ingestArgs(fixture: string): string[] {
  return ['ingest', fixture, '--json', '--no-store', '--no-geo', '--as-of', AS_OF];
}

/**
 * A problem's reason without the position suffix newer V8 versions append to JSON.parse messages
 * (" (line 1 column 68)"), so the expectations hold on every supported Node.js.
 */
export function stableReason(reason: string): string {
  return reason.replace(/ \(line \d+ column \d+\)$/, '');
}

interface Summary {
  files: Array<Record<string, unknown>>;
  problem_list: Array<{ file: string; line: number; reason: string }>;
  [k: string]: unknown;
}

/** The lines of one fixture's expectation, from a fresh in-process run of the CLI. */
export async function expectationLines(fixture: string): Promise<string[]> {
  const args = ingestArgs(join(fixturesDir, fixture));
  const started = Date.now();
  const r = await runCli(args);
  const ended = Date.now();
  const lines = [
    JSON.stringify({
      generated_by: GENERATED_BY,
      fixture,
      command: ['excensus', ...ingestArgs(fixture)].join(' '),
      exit_code: r.code,
      note:
        `host records as printed without their classification fields (${CLASSIFICATION_FIELDS.join(', ')}); ` +
        `timestamps given at ingest time read "${INGEST_TIME}"; problems follow the records, the summary is last`,
    }),
  ];
  for (const text of r.stdout.split('\n')) {
    if (text === '') continue;
    const rec = JSON.parse(text) as Record<string, unknown>;
    const t = typeof rec.timestamp === 'string' ? Date.parse(rec.timestamp) : NaN;
    // only the run's own clock is replaced: a source's timestamp lies years before any test run
    if (t >= started - 1000 && t <= ended + 1000) rec.timestamp = INGEST_TIME;
    for (const k of CLASSIFICATION_FIELDS) delete rec[k];
    lines.push(JSON.stringify(rec));
  }
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  // the summary line: {"schema_version":1,"summary":{...}}
  if (!last.startsWith('{') || !last.includes('"summary":'))
    throw new Error(`${fixture}: no JSON summary on stderr:\n${r.stderr}`);
  const { summary } = JSON.parse(last) as { summary: Summary };
  for (const p of summary.problem_list)
    lines.push(JSON.stringify({ problem: { line: p.line, reason: stableReason(p.reason) } }));
  const { problem_list: _p, files, ...rest } = summary;
  const perFile = files.map(({ file: _f, ...f }) => f);
  lines.push(JSON.stringify({ summary: { ...rest, files: perFile } }));
  return lines;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { check: { type: 'boolean' } },
    allowPositionals: true,
  });
  const names = positionals.length > 0 ? positionals : fixtureNames();
  const drifted: string[] = [];
  for (const name of names) {
    const text = (await expectationLines(name)).join('\n') + '\n';
    const path = expectedPath(name);
    if (existsSync(path) && readFileSync(path, 'utf8') === text) continue;
    drifted.push(name);
    if (!values.check) writeFileSync(path, text);
  }
  const stale = readdirSync(fixturesDir).filter(
    (n) => n.endsWith(EXPECTED) && !names.includes(n.slice(0, -EXPECTED.length)),
  );
  if (positionals.length === 0 && stale.length > 0)
    console.error(`update-reader-expectations: no fixture for ${stale.join(', ')} (delete them)`);
  if (values.check) {
    if (drifted.length) console.error(`update-reader-expectations: out of date: ${drifted.join(', ')}`);
    return drifted.length || stale.length ? 1 : 0;
  }
  console.error(
    drifted.length
      ? `update-reader-expectations: wrote ${drifted.map((n) => n + EXPECTED).join(', ')}`
      : 'update-reader-expectations: all expectations up to date',
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  process.exitCode = await main();
