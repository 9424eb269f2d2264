// runDemo: the whole pipeline on one machine with nothing to set up. Starts the lab fleet on
// loopback, scans it into a fresh SQLite store, writes the census and the HTML report, stops the lab.
import { storeLabel } from '../core/printable.js';
import { existsSync, rmSync } from 'node:fs';
import { createOutputFile } from '../core/output-file.js';
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { UsageError } from '../core/errors.js';
import { startLab } from '../lab/index.js';
import { parseTargetSpec, type TargetSpec } from '../probe/index.js';
import { labTruthGeo } from './lab-truth.js';
import { isPostgresUrl } from '../store/index.js';
import { scanIntoStore, type ScanResult } from './scan.js';
import { writeReport, type ReportOptions } from './report.js';
import { openStoreForReading, openStoreForWriting, withStore } from './store.js';

export const DEMO_DEFAULT_DB = './excensus-demo.db';
export const DEMO_DEFAULT_HTML = './excensus-demo.html';

export interface DemoOptions {
  count: number;
  seed: number;
  /** First lab address (inside 127.0.0.0/8). */
  base: string;
  httpsPort: number;
  smtpPort: number;
  /** SQLite file to create; only the default is replaced when it exists. */
  db: string;
  html: string;
  asOf: string;
}

export interface DemoHooks {
  /** A line about what the demo is doing. */
  onStep?: (line: string) => void;
}

export async function runDemo(o: DemoOptions, census: Writable, hooks: DemoHooks = {}): Promise<ScanResult> {
  if (isPostgresUrl(o.db))
    throw new UsageError(
      'the demo makes a fresh SQLite file; use `excensus scan --db postgres://...` for PostgreSQL',
    );
  if (existsSync(o.db)) {
    if (resolve(o.db) !== resolve(DEMO_DEFAULT_DB))
      throw new UsageError(
        `${storeLabel(o.db)} exists; the demo only writes a fresh store (remove it or pick another --db)`,
      );
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(o.db + suffix, { force: true });
  }
  const say = (line: string): void => hooks.onStep?.(line);
  const lab = await startLab({
    seed: o.seed,
    count: o.count,
    base: o.base,
    httpsPort: o.httpsPort,
    smtpPort: o.smtpPort,
    mix: 'realistic',
  });
  try {
    say(
      `lab fleet up: ${lab.hosts.length} hosts on loopback (${lab.hosts[0]?.ip} ...), HTTPS :${o.httpsPort}, SMTP :${o.smtpPort}`,
    );
    const ips = [...new Set(lab.hosts.map((h) => h.ip))];
    const targets = ips.map((ip) => parseTargetSpec(ip) as TargetSpec);
    // HTTPS only: the census counts ip:port records, and the same server's SMTP port would count it twice.
    const scanned = await withStore(await openStoreForWriting(o.db), (store) =>
      scanIntoStore({
        targets,
        inputs: ips,
        ports: String(o.httpsPort),
        seed: o.seed,
        rate: 0,
        concurrency: 128,
        probeTimeoutMs: 2000,
        hostTimeoutMs: 6000,
        maxBodyBytes: 64 * 1024,
        maxRedirects: 3,
        asOf: o.asOf,
        store,
        name: `demo-seed-${o.seed}`,
        series: 'demo',
        geoOverrides: labTruthGeo(lab.hosts),
      }),
    );
    const { summary } = scanned;
    say(
      `scanned ${summary.probed} targets in ${(summary.elapsedMs / 1000).toFixed(1)} s; stored ${scanned.stored} records as scan ${scanned.scanId} in ${storeLabel(o.db)}`,
    );
    const report: ReportOptions = {
      groupBy: [],
      filter: {},
      asOf: o.asOf,
      asOfGiven: true,
      format: 'table',
      trend: false,
      topCountries: 10,
    };
    await withStore(await openStoreForReading(o.db), async (store) => {
      await writeReport(store, report, census);
      const html = createOutputFile(o.html);
      await writeReport(store, { ...report, format: 'html' }, html.stream);
      await html.commit();
    });
    say(`HTML report: ${o.html}`);
    say(
      `store: ${storeLabel(o.db)} — try \`excensus report --db ${storeLabel(o.db)} --by country\` or \`excensus notify --db ${storeLabel(o.db)} --by asn --out bundles/\``,
    );
    say(`open it in the dashboard: excensus serve --db ${o.db}`);
    return scanned;
  } finally {
    await lab.stop();
  }
}
