// Shared test helpers: classify or fail loudly, verdict lookup by CVE.
import assert from 'node:assert/strict';
import type { Classification, VulnVerdict } from '../../src/core/classification.js';
import { loadKnowledgeBase } from '../../src/kb/index.js';
import { classifyBuild, type ParsedBuild } from '../../src/classify/index.js';

export const kb = loadKnowledgeBase();

export function classify(build: string | ParsedBuild, asOf = '2026-08-20'): Classification {
  const c = classifyBuild(build, kb, asOf);
  if ('error' in c) assert.fail(`${JSON.stringify(build)}: ${c.error}`);
  return c;
}

export function verdict(c: Classification, cve: string): VulnVerdict | undefined {
  return c.vulns.find((v) => v.cve === cve);
}

export function status(build: string, cve: string, asOf = '2026-08-20'): string | undefined {
  return verdict(classify(build, asOf), cve)?.status;
}
