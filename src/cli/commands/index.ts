// Command registry. Modules load lazily so `excensus lookup` starts fast.
import type { CommandSpec } from '../args.js';

type Loader = () => Promise<{ command: CommandSpec }>;

/**
 * `quietKb`: no warning about a stale knowledge base (kb reports its age itself; the lab never
 * reads the knowledge base). Every other command warns once.
 */
export const commands: Record<string, { summary: string; load: Loader; quietKb?: boolean }> = {
  lookup: {
    summary: 'say what an Exchange build is: release, end of support, open CVEs',
    load: () => import('./lookup.js'),
  },
  ingest: {
    summary:
      'read scan data (Shodan, Censys, ZGrab2, masscan, nmap, ShadowServer, CSV) and judge every record',
    load: () => import('./ingest.js'),
  },
  scan: {
    summary: 'probe targets non-intrusively and judge what answers',
    load: () => import('./scan.js'),
  },
  lab: {
    summary: 'run the simulated Exchange fleet on loopback',
    load: () => import('./lab.js'),
    quietKb: true,
  },
  report: {
    summary: 'census report from the store: by continent, country, ASN, product, CVE family',
    load: () => import('./report.js'),
  },
  diff: { summary: 'compare two scans host by host', load: () => import('./diff.js') },
  notify: {
    summary: 'write one CSV + summary bundle per network owner',
    load: () => import('./notify.js'),
  },
  reclassify: {
    summary: 're-judge stored observations with the current knowledge base',
    load: () => import('./reclassify.js'),
  },
  scans: { summary: 'list the scans in the store', load: () => import('./scans.js') },
  serve: {
    summary: 'the census as a live web page and JSON API over the store',
    load: () => import('./serve.js'),
  },
  worker: {
    summary: 'run shards of distributed scans and ingests from the queue in PostgreSQL',
    load: () => import('./worker.js'),
  },
  demo: {
    summary: 'start the lab, scan it into a fresh store, print the census, write the HTML report',
    load: () => import('./demo.js'),
  },
  kb: {
    summary: 'keep the knowledge base current: update from Microsoft/CISA data, status, diff',
    load: () => import('./kb.js'),
    quietKb: true,
  },
};
