// Knowledge-base benchmark (not a test): cold load time of data/ and classifyBuild throughput.
// Usage: node --import tsx bench/classify.ts [--rounds N]
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '200' } } });
const rounds = Number(values.rounds);

const t0 = performance.now();
const { loadKnowledgeBase } = await import('../src/kb/index.js');
const { classifyBuild } = await import('../src/classify/index.js');
const t1 = performance.now();
const kb = loadKnowledgeBase();
const t2 = performance.now();

// Every table build, its CU line, and one revision past it: exact, CU and "not in table" paths.
const inputs = kb.builds.flatMap((b) => {
  const p = b.build.split('.');
  return p.length === 4
    ? [b.build, p.slice(0, 3).join('.'), `${p.slice(0, 3).join('.')}.${Number(p[3]) + 1}`]
    : [b.build];
});
let vulns = 0;
// Round 0 computes every answer; later rounds hit the per-build memo, as a real census mostly does.
const c0 = performance.now();
for (const input of inputs) classifyBuild(input, kb, '2026-08-20');
const c1 = performance.now();
const firstSight = `classifyBuild, first sight: ${inputs.length} distinct builds in ${(c1 - c0).toFixed(0)} ms = ${Math.round(inputs.length / ((c1 - c0) / 1000))} builds/s`;
const t3 = performance.now();
for (let r = 0; r < rounds; r++) {
  for (const input of inputs) {
    const c = classifyBuild(input, kb, '2026-08-20');
    if (!('error' in c)) vulns += c.vulns.length;
  }
}
const t4 = performance.now();
const n = rounds * inputs.length;
console.log(`import kb+classify modules: ${(t1 - t0).toFixed(1)} ms`);
console.log(`loadKnowledgeBase (read + validate + index): ${(t2 - t1).toFixed(1)} ms`);
console.log(firstSight);
console.log(
  `classifyBuild, repeated: ${n} builds in ${(t4 - t3).toFixed(0)} ms = ${Math.round(n / ((t4 - t3) / 1000))} builds/s (${vulns} verdicts)`,
);
