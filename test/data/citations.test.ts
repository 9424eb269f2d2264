// Every source cited in data/ resolves inside the repository (or is an upstream URL): each
// fingerprint example's `source`, and the citations in every other data file (comments, READMEs,
// SOURCES.md). The forms are listed in docs/research/README.md.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/cli.js';
import { checkText, rel } from './citations.js';

const dataDir = join(repoRoot, 'data');

function dataFiles(dir = dataDir, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) dataFiles(p, out);
    else if (/\.(md|ya?ml|txt|json)$/.test(n)) out.push(p);
  }
  return out;
}

interface Example {
  source?: unknown;
}
interface Rule {
  id: string;
  examples?: Example[];
  lookalikes?: Example[];
}

const ruleFiles = dataFiles(join(dataDir, 'fingerprints')).filter((f) => /\.(ya?ml|json)$/.test(f));

describe('citations in data/ resolve inside the repository', () => {
  for (const file of ruleFiles) {
    it(`${rel(file)}: every example's source`, () => {
      const doc = parse(readFileSync(file, 'utf8')) as { rules?: Rule[] };
      const wrong: string[] = [];
      let sources = 0;
      for (const rule of doc.rules ?? []) {
        for (const ex of [...(rule.examples ?? []), ...(rule.lookalikes ?? [])]) {
          const source = String(ex.source ?? '');
          sources++;
          // a constructed example says why instead of citing (data/fingerprints/README.md)
          if (/^constructed\b/.test(source)) continue;
          const { unresolved, cites } = checkText(source, file, { strictNames: true });
          if (!cites) unresolved.push('cites nothing that resolves');
          for (const u of unresolved) wrong.push(`${rule.id}: "${source}": ${u}`);
        }
      }
      assert.ok(sources > 0);
      assert.deepEqual(wrong, []);
    });
  }

  for (const file of dataFiles()) {
    it(`${rel(file)}: citations in its text`, () => {
      const wrong: string[] = [];
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          for (const u of checkText(line, file, { strictNames: false }).unresolved)
            wrong.push(`line ${i + 1}: ${u}`);
        });
      assert.deepEqual(wrong, []);
    });
  }
});

describe('citation checks fail on what does not resolve', () => {
  const from = join(dataDir, 'fingerprints', 'tells.yaml');
  const cases: Array<[string, RegExp]> = [
    ['artifacts A21', /artifact A21/],
    ['artifacts A5 exchange2016-cu9_owa-15.1.1466_auth-logon-aspx.html', /A5 is not/],
    ['artifacts INDEX.md row 42', /row 42/],
    ['artifacts A14 recog smtp_banners.xml:1', /smtp_banners\.xml:1 /],
    ['artifacts A15 nmap-service-probes line 2', /line 2/],
    ['artifacts A17 lookalike_honeypot-apache-owa-header-emulation.txt line 4400', /no line 4400/],
    ['notes/missing.md', /notes\/missing\.md/],
    ['notes/fingerprinting.md T99', /T99/],
    ['notes/fingerprinting.md section 9', /section 9/],
    ['formats/shadowserver-scan_exchange-sample.csv row 99', /row 99/],
    ['formats/nothing.csv', /formats\/nothing\.csv/],
    ['../shared/reference/notes/fingerprinting.md', /outside the repository/],
    ['notes §2 T1', /name the note/],
    ['joda32/owa-honeypot owa_pot.py', /owa_pot\.py/],
    ['https://github.com/joda32/owa-honeypot/blob/main/owa_pot.py', /full commit/],
  ];
  for (const [text, want] of cases) {
    it(text, () => {
      const { unresolved } = checkText(text, from, { strictNames: true });
      assert.ok(
        unresolved.some((u) => want.test(u)),
        `expected ${want} among ${JSON.stringify(unresolved)}`,
      );
    });
  }
});
