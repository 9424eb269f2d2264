// Knowledge lives in data/: the probe engine holds no product strings, paths or build numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { repoRoot } from '../helpers/cli.js';

test('src/probe holds no Exchange paths, header names or build numbers', () => {
  const dir = `${repoRoot}src/probe/`;
  const banned =
    /\bowa\b|x-owa|exchange\.asmx|autodiscover|\/ecp\/|exporttool|x-feserver|microsoft|\b(?:8|14|15)\.\d+\.\d+/i;
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts'))) {
    const text = readFileSync(dir + f, 'utf8').replace(
      /HttpExchange|exchangeOnce|StagedExchange|toExchange/g,
      '',
    );
    const m = banned.exec(text);
    assert.equal(m, null, `${f}: "${m?.[0]}"`);
    assert.doesNotMatch(text, /\bExchange\b/, f);
  }
});
