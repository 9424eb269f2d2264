// Every real capture in test/fixtures/artifacts, judged end to end against its expected
// verdict in manifest.yaml (honeypots suspect, IIS error pages not Exchange, CU9 builds read).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { judgeObservation, type JudgeContext } from '../../src/classify/judge.js';
import { loadRules } from '../../src/fingerprint/index.js';
import { loadKnowledgeBase } from '../../src/kb/index.js';
import type { HostRecord } from '../../src/core/host-record.js';
import type { Observation } from '../../src/core/observation.js';
import {
  artifactsDir,
  caseObservation,
  loadManifest,
  recogObservation,
  type Expect,
} from './helpers/artifact-observation.js';
import { parseRecogExamples } from './helpers/capture-parsers.js';

const ctx: JudgeContext = { rules: loadRules(), kb: loadKnowledgeBase(), asOf: '2024-01-01' };
const manifest = loadManifest();

function check(obs: Observation, want: Expect): HostRecord {
  const r = judgeObservation(obs, ctx);
  const ev = r.evidence;
  const why = `signals: ${ev.signals.map((s) => `${s.rule}=${s.value ?? ''}`).join(', ')}; reasons: ${ev.suspectReasons.join('; ')}`;
  assert.equal(r.status, want.status, why);
  assert.equal(r.isExchange, want.status === 'exchange');
  assert.equal(r.suspect, want.status === 'suspect');
  if (want.build !== undefined) assert.equal(ev.build, want.build, why);
  if (want.precision !== undefined) assert.equal(ev.precision, want.precision, why);
  if (want.confidence !== undefined) assert.equal(ev.confidence, want.confidence, why);
  if (want.reason !== undefined)
    assert.ok(
      ev.suspectReasons.some((x) => x.includes(want.reason!)),
      why,
    );
  for (const n of want.serverNames ?? [])
    assert.ok(ev.serverNames.includes(n), `server names ${ev.serverNames.join(',')}`);
  if (want.status === 'not-exchange') assert.equal(r.classification, null);
  return r;
}

describe('artifact fixtures', () => {
  it('every fixture file has a manifest entry and every entry a file', () => {
    const files = readdirSync(artifactsDir)
      .filter((f) => !['manifest.yaml', 'PROVENANCE.md', 'INDEX.md'].includes(f))
      .sort();
    assert.deepEqual(manifest.map((m) => m.file).sort(), files);
    const provenance = readFileSync(join(artifactsDir, 'PROVENANCE.md'), 'utf8');
    for (const f of files) assert.ok(provenance.includes(f), `${f} missing from PROVENANCE.md`);
    assert.equal(files.length, 20);
  });

  for (const entry of manifest) {
    describe(entry.file, () => {
      for (const c of entry.cases ?? []) {
        it(c.name, () => {
          check(caseObservation(entry.file, c.observe), c.expect);
        });
      }
      if (entry.lines) {
        it('each recog example line has its verdict', () => {
          const examples = parseRecogExamples(readFileSync(join(artifactsDir, entry.file), 'latin1'));
          assert.deepEqual(examples.map((e) => e.ref).sort(), Object.keys(entry.lines!).sort());
          for (const e of examples) {
            try {
              check(recogObservation(e.ref, e.example), entry.lines![e.ref]!);
            } catch (err) {
              throw new Error(`${e.ref} (${e.description}): ${(err as Error).message}`, { cause: err });
            }
          }
        });
      }
      if (entry.reference)
        it('is kept as a reference file', () => assert.ok(existsSync(join(artifactsDir, entry.file))));
    });
  }
});

describe('judging with the knowledge base', () => {
  it('2019 CU9 full build from the MAPI capture is classified as on-premises 2019 CU9', () => {
    const entry = manifest.find((m) => m.file.includes('mapi-nspi'))!;
    const r = judgeObservation(caseObservation(entry.file, entry.cases![0]!.observe), ctx);
    assert.equal(r.classification?.onPremises, true);
    assert.match(r.classification?.release ?? '', /2019 CU9/);
  });

  it('the spoofed CU23 honeypot keeps its classification for the record but is not counted', () => {
    const entry = manifest.find((m) => m.file.startsWith('lookalike_honeypot-spoofed'))!;
    const r = judgeObservation(caseObservation(entry.file, entry.cases![0]!.observe), ctx);
    assert.equal(r.isExchange, false);
    assert.match(r.classification?.release ?? '', /2016 CU23/);
  });
});
