// Fingerprint benchmark (not a test): fingerprint() throughput on real captures and on a
// plain non-Exchange page, plus rule load time. Usage: node --import tsx bench/fingerprint.ts [--ms N]
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import type { Observation } from '../src/core/observation.js';

const { values } = parseArgs({ options: { ms: { type: 'string', default: '1500' } } });
const budget = Number(values.ms);

const t0 = performance.now();
const { loadRules, fingerprint } = await import('../src/fingerprint/index.js');
const rules = loadRules();
const loadMs = performance.now() - t0;
const { caseObservation, loadManifest } = await import('../test/fingerprint/helpers/artifact-observation.js');

const manifest = loadManifest();
const pick = (prefix: string, i = 0): Observation => {
  const e = manifest.find((m) => m.file.startsWith(prefix))!;
  return caseObservation(e.file, e.cases![i]!.observe);
};
const plain: Observation = {
  ip: '192.0.2.1',
  port: 443,
  timestamp: '2024-01-01T00:00:00Z',
  source: 'shodan',
  status: 'ok',
  http: [
    {
      path: '/',
      status: 200,
      headers: [
        ['Server', 'nginx/1.24.0'],
        ['Content-Type', 'text/html'],
        ['Content-Length', '4096'],
      ],
      body: `<!DOCTYPE html><html><head><title>Welcome</title></head><body>${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>'.repeat(64)}</body></html>`,
    },
  ],
};
const cases: Array<[string, Observation]> = [
  ['2019 CU9 logon.aspx (headers + head)', pick('exchange2019-cu9_owa-15.2.858_auth')],
  ['2016 CU9 logon page (57 KB body)', pick('exchange2016-cu9_owa')],
  ['X-OWA-Version-style MAPI headers', pick('exchange2019-cu9_15.2.858.2_mapi')],
  ['spoofed honeypot as served', pick('lookalike_honeypot-spoofed')],
  ['plain nginx page (4 KB)', plain],
];

console.log(
  `rules: ${rules.rules.length} loaded and compiled in ${loadMs.toFixed(1)} ms (cold, incl. module import)`,
);
for (const [name, obs] of cases) {
  let n = 0;
  let sink = 0;
  const start = performance.now();
  while (performance.now() - start < budget) {
    for (let i = 0; i < 200; i++) sink += fingerprint(obs, rules).signals.length;
    n += 200;
  }
  const ms = performance.now() - start;
  const bytes = obs.http.reduce((s, h) => s + (h.body?.length ?? 0), 0);
  console.log(
    `${name.padEnd(40)} ${Math.round((n / ms) * 1000)
      .toLocaleString('en')
      .padStart(10)} obs/s  (${(bytes / 1024).toFixed(1)} KB body, ${sink > 0 ? 'signals' : 'none'})`,
  );
}
