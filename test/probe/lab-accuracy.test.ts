// Accuracy against the lab's ground truth: scan a seeded fleet (HTTPS + SMTP) and score every host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostRecord } from '../../src/core/host-record.js';
import type { Observation } from '../../src/core/observation.js';
import { startLab } from '../../src/lab/index.js';
import {
  buildTargetSpace,
  loadBlocklist,
  parsePorts,
  parseTargetSpec,
  runScan,
  type PortSpec,
  type TargetSpec,
} from '../../src/probe/index.js';
import { testScanOptions } from './helpers/scan-opts.js';

const BASE = '127.62.0.1';
const COUNT = 96;
const HTTPS = 28443;
const SMTP = 28025;
const DEADLINE_MS = 10_000;

test('scanning a 96-host lab: every Exchange host found, exact builds, no look-alike counted, hostiles bounded', async () => {
  const lab = await startLab({
    seed: 424242,
    count: COUNT,
    base: BASE,
    httpsPort: HTTPS,
    smtpPort: SMTP,
    mix: 'realistic',
  });
  try {
    const opts = testScanOptions({
      concurrency: 64,
      probeTimeoutMs: 1000,
      hostTimeoutMs: 3000,
      maxBodyBytes: 32 * 1024,
    });
    const observations = new Map<string, Observation>();
    const judge = opts.judge;
    opts.judge = (o) => (observations.set(`${o.ip}:${o.port}`, o), judge(o));
    const plan = opts.probePlan;
    const ports = parsePorts(`${HTTPS},smtp:${SMTP}`, plan.ports) as PortSpec[];
    const space = await buildTargetSpace(
      [parseTargetSpec(`${BASE}-127.62.0.${COUNT}`) as TargetSpec],
      ports,
      { blocklist: loadBlocklist() },
    );
    const records = new Map<string, HostRecord>();
    const t0 = performance.now();
    const summary = await runScan({ space, seed: 9, shard: { index: 1, count: 1 } }, opts, (r) => {
      records.set(`${r.ip}:${r.port}`, r);
    });
    const elapsed = performance.now() - t0;
    assert.ok(elapsed < DEADLINE_MS, `scan took ${elapsed} ms`);
    assert.equal(summary.probed, COUNT * 2);

    const problems: string[] = [];
    const kinds = new Set<string>();
    let requests = 0;
    for (const h of lab.hosts) {
      kinds.add(h.profile);
      const r = records.get(`${h.ip}:${h.port}`);
      if (!r) {
        problems.push(`${h.ip} ${h.profile}: no record`);
        continue;
      }
      const e = h.expected;
      if (r.status !== e.status)
        problems.push(
          `${h.ip} ${h.profile}: status ${r.status}, expected ${e.status} (${r.statusDetail ?? ''})`,
        );
      if (h.kind !== 'exchange' && r.isExchange)
        problems.push(`${h.ip} ${h.profile}: look-alike counted as Exchange`);
      if (h.kind === 'exchange' && e.build) {
        const got = r.evidence.build ?? '';
        const lower = (e as { lowerBound?: string }).lowerBound;
        const ok =
          e.precision === 'full'
            ? got === e.build
            : got === e.build || (got === lower && r.evidence.revisionIsLowerBound === true);
        if (!ok)
          problems.push(
            `${h.ip} ${h.profile}: build ${got} (${r.evidence.precision}), expected ${e.build} (${e.precision})`,
          );
      }
      // Fronted servers carry the flag and their front's product; NTLM host info gives the Windows.
      const ex = e as { fronted?: string; windowsVersion?: string };
      if (ex.fronted !== undefined && (r.evidence.fronted !== true || r.evidence.front !== ex.fronted))
        problems.push(`${h.ip} ${h.profile}: front ${r.evidence.front}, expected ${ex.fronted}`);
      if (h.kind === 'exchange' && ex.fronted === undefined && r.evidence.fronted)
        problems.push(`${h.ip} ${h.profile}: fronted, expected not`);
      if (h.kind === 'exchange' && r.windows?.version !== ex.windowsVersion)
        problems.push(`${h.ip} ${h.profile}: windows ${r.windows?.version}, expected ${ex.windowsVersion}`);
      if (h.kind === 'exchange' && ex.windowsVersion && !r.evidence.ntlm?.dnsComputer)
        problems.push(`${h.ip} ${h.profile}: no NTLM host names`);
      requests += (r.probes ?? []).filter((p) => !/connect|handshake/i.test(p.request)).length;
      // NTLM NEGOTIATE only to hosts that look like Exchange (an IIS 401 offering NTLM is not enough).
      if (h.profile === 'iis-plain' && r.probes?.some((p) => p.request.includes('ntlm')))
        problems.push(`${h.ip} ${h.profile}: NTLM asked of a look-alike`);
      // Bounded memory: no response body beyond --max-body, however hostile the server.
      const o = observations.get(`${h.ip}:${h.port}`);
      for (const x of o?.http ?? [])
        if ((x.body?.length ?? 0) > 32 * 1024) problems.push(`${h.ip}: body ${x.body?.length} bytes`);
      // SMTP: Exchange transport banners on Exchange hosts that expose SMTP; never Exchange elsewhere.
      const s = records.get(`${h.ip}:${SMTP}`);
      if (h.exposes.smtp && h.kind === 'exchange' && s?.status !== 'exchange')
        problems.push(`${h.ip} smtp: ${s?.status}`);
      if (h.kind !== 'exchange' && s?.isExchange)
        problems.push(`${h.ip} smtp: look-alike counted as Exchange`);
    }
    assert.deepEqual(problems, []);
    // Few requests (docs/probing.md): NTLM host info included, at most 4 per HTTPS host on average.
    const perHost = requests / lab.hosts.length;
    console.log(`# lab fleet: ${perHost.toFixed(2)} HTTP requests per host on average`);
    assert.ok(perHost <= 4, `${perHost} requests per host`);
    // The fleet really covered the hard cases.
    for (const k of [
      'exchange',
      'exchange-stripped',
      'exchange-http-only',
      'exchange-nginx',
      'exchange-bigip',
      'honeypot-apache',
      'honeypot-nginx',
      'exchange-online',
      'silent',
      'trickle',
      'endless-body',
      'garbage',
      'tls-fail',
      'closed',
    ]) {
      assert.ok(kinds.has(k), `fleet lacks ${k}`);
    }
  } finally {
    await lab.stop();
  }
});
