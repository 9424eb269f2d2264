// Fuzz test of every reader through the CLI: mutated real fixtures (bit flips, cuts, duplicated and
// deleted lines, random bytes, NULs, huge lines) for a fixed time budget. Each case must end
// cleanly within its deadline, keep memory bounded, and account for what it read (fuzz/check.ts).
// The seed changes per run and is printed; a failure prints how to replay its one case:
//   EXCENSUS_FUZZ_SEED=S EXCENSUS_FUZZ_CASE=N [EXCENSUS_FUZZ_SAVE=file] node scripts/run-tests.mjs fuzz
// EXCENSUS_FUZZ_MS sets the budget (default 5000 ms in all, at least one random case per fixture);
// EXCENSUS_FUZZ_KEEP_GOING=1 collects every failure; EXCENSUS_FUZZ_TRACE=1 prints each case and its time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { expectedPath, fixtureNames, fixturesDir } from '../../../scripts/update-reader-expectations.js';
import { tsWorker } from '../../helpers/ts-worker.js';
import type { CaseDesc, FixtureInfo, WorkerInput } from './fuzz-worker.js';

const env = process.env;
const seed = env.EXCENSUS_FUZZ_SEED ? Number(env.EXCENSUS_FUZZ_SEED) : (Math.random() * 2 ** 32) >>> 0;
const only = env.EXCENSUS_FUZZ_CASE ? Number(env.EXCENSUS_FUZZ_CASE) : undefined;
const budgetMs = Number(env.EXCENSUS_FUZZ_MS ?? 5000);
const keepGoing = env.EXCENSUS_FUZZ_KEEP_GOING === '1';
/** A case normally takes milliseconds; this only catches a hang (a loaded machine stays far below). */
const CASE_DEADLINE_MS = 15_000;
/**
 * A case may grow the process by this much plus 8 bytes per byte of its longest line. Resident memory
 * follows V8's heap policy as well as the reader: Node 24 once grew 103 MB on a 0.5 MB line whose
 * replay grew 47 MB (seed 1452040207, case 256), so the base leaves that room.
 */
const MEMORY_BASE_MB = 144;
const PER_LINE_BYTE = 8;
const HUGE_LINE_BYTES = 4 * 1024 * 1024;

function fixtures(): FixtureInfo[] {
  return fixtureNames().map((name) => {
    const lines = readFileSync(expectedPath(name), 'utf8').trim().split('\n');
    const { summary } = JSON.parse(lines.at(-1)!) as { summary: { files: Array<{ format: string }> } };
    return { name, bytes: readFileSync(fixturesDir + '/' + name), format: summary.files[0]!.format };
  });
}

function startWorker(input: WorkerInput): Worker {
  return tsWorker(new URL('./fuzz-worker.ts', import.meta.url), {
    workerData: input,
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  });
}

type WorkerMessage =
  | { type: 'start'; index: number; desc: CaseDesc; longestLine: number }
  | { type: 'fail'; index: number; desc: CaseDesc; error: string }
  | { type: 'note'; text: string }
  | { type: 'end'; cases: number; ms: number; total: number };

interface Failure {
  index: number;
  desc?: CaseDesc;
  error: string;
}

test(`readers survive mutated fixtures (seed ${seed})`, async (t) => {
  const input: WorkerInput = {
    fixtures: fixtures(),
    seed,
    budgetMs,
    hugeLineBytes: HUGE_LINE_BYTES,
    ...(only !== undefined ? { only } : {}),
    ...(env.EXCENSUS_FUZZ_SAVE ? { save: env.EXCENSUS_FUZZ_SAVE } : {}),
  };
  const worker = startWorker(input);
  const failures: Failure[] = [];
  const notes: string[] = [];
  let current: { index: number; desc: CaseDesc; at: number; rss: number; boundMb: number } | undefined;
  let peakGrowth = 0;
  let end: { cases: number; ms: number; total: number } | undefined;
  await new Promise<void>((resolve) => {
    let stopped = false;
    const stop = (f?: Failure) => {
      if (stopped) return;
      if (f) failures.push(f);
      if (f && keepGoing && f.index >= 0) return;
      stopped = true;
      clearInterval(watch);
      void worker.terminate().then(() => resolve());
    };
    // sampled here, on a thread the cases never block; resident memory is the whole process's
    const watch = setInterval(() => {
      if (!current) return;
      const growth = (process.memoryUsage.rss() - current.rss) / 2 ** 20;
      peakGrowth = Math.max(peakGrowth, growth);
      if (growth > current.boundMb)
        stop({
          ...current,
          error: `memory grew by ${growth.toFixed(0)} MB (bound ${current.boundMb.toFixed(0)} MB)`,
        });
      else if (performance.now() - current.at > CASE_DEADLINE_MS)
        stop({ ...current, error: `no result after ${CASE_DEADLINE_MS} ms (hang)` });
    }, 10);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'start') {
        const boundMb = MEMORY_BASE_MB + (PER_LINE_BYTE * m.longestLine) / 2 ** 20;
        current = {
          index: m.index,
          desc: m.desc,
          at: performance.now(),
          rss: process.memoryUsage.rss(),
          boundMb,
        };
      } else if (m.type === 'fail') stop({ index: m.index, desc: m.desc, error: m.error });
      else if (m.type === 'note') notes.push(m.text);
      else if (m.type === 'end') {
        end = { cases: m.cases, ms: m.ms, total: m.total };
        stop();
      }
    });
    worker.on('error', (e) =>
      stop({
        index: current?.index ?? -1,
        ...(current ? { desc: current.desc } : {}),
        error: `worker died: ${e.message}`,
      }),
    );
    worker.on('exit', () =>
      stop(end ? undefined : { index: current?.index ?? -1, error: 'worker exited early' }),
    );
  });
  for (const n of notes) t.diagnostic(n);
  if (end)
    t.diagnostic(
      `seed ${seed}: ${end.cases} random cases in ${end.ms.toFixed(0)} ms (${((end.cases * 1000) / end.ms).toFixed(0)}/s), ` +
        `${end.total.toFixed(0)} ms in all; largest memory growth of a case ${peakGrowth.toFixed(0)} MB`,
    );
  const report = failures.map(
    (f) =>
      `case ${f.index} (seed ${seed}): ${f.error}\n  ${JSON.stringify(f.desc)}\n` +
      `  replay: EXCENSUS_FUZZ_SEED=${seed} EXCENSUS_FUZZ_CASE=${f.index} EXCENSUS_FUZZ_SAVE=/tmp/fuzz-case.bin ` +
      `node scripts/run-tests.mjs test/ingest/fuzz`,
  );
  assert.equal(failures.length, 0, report.join('\n'));
  assert.ok(end, 'the fuzz worker did not finish');
  if (only === undefined)
    assert.ok(end.cases >= input.fixtures.length, `only ${end.cases} cases: not every fixture was mutated`);
});
