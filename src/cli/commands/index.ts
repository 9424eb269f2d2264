// Command registry. Modules load lazily so `excensus lookup` starts fast.
import type { CommandSpec } from '../args.js';

type Loader = () => Promise<{ command: CommandSpec }>;

/** `judges`: the command works with the knowledge base, so a stale one is worth a warning. */
export const commands: Record<string, { summary: string; load: Loader; judges?: boolean }> = {
  lookup: {
    summary: 'say what an Exchange build is: release, end of support, open CVEs',
    load: () => import('./lookup.js'),
    judges: true,
  },
  ingest: {
    summary:
      'read scan data (Shodan, Censys, ZGrab2, masscan, nmap, ShadowServer, CSV) and judge every record',
    load: () => import('./ingest.js'),
    judges: true,
  },
  scan: {
    summary: 'probe targets non-intrusively and judge what answers',
    load: () => import('./scan.js'),
    judges: true,
  },
  lab: { summary: 'run the simulated Exchange fleet on loopback', load: () => import('./lab.js') },
  report: {
    summary: 'census report from the store: by continent, country, ASN, product, CVE family',
    load: () => import('./report.js'),
    judges: true,
  },
  diff: { summary: 'compare two scans host by host', load: () => import('./diff.js'), judges: true },
  notify: {
    summary: 'write one CSV + summary bundle per network owner',
    load: () => import('./notify.js'),
    judges: true,
  },
  reclassify: {
    summary: 're-judge stored observations with the current knowledge base',
    load: () => import('./reclassify.js'),
    judges: true,
  },
  scans: { summary: 'list the scans in the store', load: () => import('./scans.js') },
  demo: {
    summary: 'start the lab, scan it into a fresh store, print the census, write the HTML report',
    load: () => import('./demo.js'),
    judges: true,
  },
  kb: {
    summary: 'keep the knowledge base current: update from Microsoft/CISA data, status, diff',
    load: () => import('./kb.js'),
  },
};
