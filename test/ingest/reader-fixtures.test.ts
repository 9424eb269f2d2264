// The one generic reader test: every format fixture in test/fixtures/formats, read by
// `excensus ingest --json` in-process, must give exactly the host records, problems (with their
// line numbers) and summary in its `<fixture>.expected.jsonl` (written by
// `npm run update-reader-expectations`). Adding a format = a reader, a fixture, an expected file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import {
  GENERATED_BY,
  expectationLines,
  expectedPath,
  fixtureNames,
  fixturesDir,
} from '../../scripts/update-reader-expectations.js';
import { runCli } from '../helpers/cli.js';

const HINT = 'if the change is intended, run `npm run update-reader-expectations` and review the diff';

function parseLines(text: string, where: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l, i) => {
      try {
        return JSON.parse(l) as unknown;
      } catch {
        throw new Error(`${where}:${i + 1}: not JSON`);
      }
    });
}

/** Where two parsed lines first differ, as `path: expected X, actual Y`. */
function firstDifference(want: unknown, got: unknown, path = ''): string {
  if (want && got && typeof want === 'object' && typeof got === 'object') {
    const keys = [...new Set([...Object.keys(want), ...Object.keys(got)])];
    for (const k of keys) {
      const a = (want as Record<string, unknown>)[k];
      const b = (got as Record<string, unknown>)[k];
      if (!isDeepStrictEqual(a, b)) return firstDifference(a, b, path ? `${path}.${k}` : k);
    }
  }
  return `${path || '(line)'}: expected ${JSON.stringify(want) ?? 'nothing'}, actual ${JSON.stringify(got) ?? 'nothing'}`;
}

const names = fixtureNames();

describe('reader fixtures: each fixture gives its expected records, problems and summary', () => {
  for (const name of names) {
    it(name, async () => {
      const path = expectedPath(name);
      assert.ok(existsSync(path), `${name} has no expected file: ${HINT}`);
      const want = parseLines(readFileSync(path, 'utf8'), path);
      assert.equal((want[0] as { generated_by?: string }).generated_by, GENERATED_BY);
      const got = parseLines((await expectationLines(name)).join('\n'), 'ingest output');
      for (let i = 0; i < Math.max(want.length, got.length); i++) {
        if (isDeepStrictEqual(got[i], want[i])) continue;
        assert.fail(
          `${name}.expected.jsonl line ${i + 1} differs at ${firstDifference(want[i], got[i])}\n` +
            `  expected: ${JSON.stringify(want[i]) ?? '(no line)'}\n` +
            `  actual:   ${JSON.stringify(got[i]) ?? '(no line)'}\n${HINT}`,
        );
      }
    });
  }
});

describe('reader fixtures: coverage', () => {
  const summaries = names.map((n) => {
    const lines = parseLines(readFileSync(expectedPath(n), 'utf8'), n);
    return (lines.at(-1) as { summary: { files: Array<{ format: string; gzip: boolean }> } }).summary;
  });

  it('every format the CLI offers is read from at least one fixture, and one fixture is gzipped', async () => {
    // the formats as `ingest --help` lists them (the public surface, not the reader table)
    const help = (await runCli(['ingest', '--help'])).stdout;
    const listed = /--format F\s+input format \(default: detected\): (.+)/.exec(help)?.[1]?.split(', ') ?? [];
    assert.ok(listed.length >= 7, help);
    const seen = new Set(summaries.flatMap((s) => s.files.map((f) => f.format)));
    assert.deepEqual(
      listed.filter((f) => !seen.has(f)),
      [],
    );
    assert.ok(summaries.some((s) => s.files.some((f) => f.gzip)));
  });

  it('every expected file belongs to a fixture', () => {
    const orphans = readdirSync(fixturesDir)
      .filter((n) => n.endsWith('.expected.jsonl'))
      .filter((n) => !names.includes(n.slice(0, -'.expected.jsonl'.length)));
    assert.deepEqual(orphans, []);
  });
});
