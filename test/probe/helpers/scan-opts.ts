// Scan options for tests: the real probe plan and judge, short deadlines.
import { judgeObservation } from '../../../src/classify/judge.js';
import { loadRules } from '../../../src/fingerprint/index.js';
import { loadKnowledgeBase } from '../../../src/kb/index.js';
import { loadProbePlan } from '../../../src/probe/probe-plan.js';
import type { ScanOptions } from '../../../src/probe/scan-engine.js';

export function testScanOptions(over: Partial<ScanOptions> = {}): ScanOptions {
  const ctx = { rules: loadRules(), kb: loadKnowledgeBase(), asOf: '2026-01-01' };
  const plan = loadProbePlan();
  return {
    probePlan: plan,
    judge: (obs) => judgeObservation(obs, ctx),
    concurrency: 16,
    rate: 0,
    probeTimeoutMs: 1500,
    hostTimeoutMs: 4000,
    maxBodyBytes: 64 * 1024,
    maxHeaderBytes: 32 * 1024,
    maxRedirects: 3,
    userAgent: plan.userAgent,
    ...over,
  };
}
