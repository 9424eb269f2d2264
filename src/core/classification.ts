// What the knowledge base says about a build on a given date. Produced by the pure
// classifier; field names here are camelCase, the wire form is snake_case.
import type { Precision } from './evidence.js';

export type VulnStatus = 'vulnerable' | 'likely' | 'patched' | 'unassessed' | 'unknown';

export interface VulnVerdict {
  cve: string;
  family: string; // "ProxyLogon", "ProxyShell", ...
  status: VulnStatus;
  /** First fixing build on this build's line, when one exists. */
  fixedIn?: string;
  kev?: boolean;
  /** Why the verdict is what it is when the build alone cannot settle it (config-only fix, never assessed). */
  note?: string;
}

export interface Classification {
  /** Build as normalised (no zero padding), e.g. "15.1.2507.6". */
  build: string;
  precision: Precision;
  /** e.g. "Exchange Server 2016"; "Exchange Online" for 15.20+. */
  product: string | null;
  /** False for Exchange Online builds (15.20+). */
  onPremises: boolean;
  /** e.g. "Exchange Server 2016 CU23 Nov22SU"; for a CU-precision build the CU's name. */
  release: string | null;
  releaseKind: string | null; // RTM, SP, RU, CU, SU, HU, Preview, post-SP
  releaseDate: string | null; // YYYY-MM-DD or YYYY-MM
  /** True when the build matched a table row exactly. */
  exact: boolean;
  /** Explains any approximation: nearest release, newer than the table, revision mismatch. */
  note?: string;
  /** For 3-part (CU) builds: the CU and the SUs that exist for it. */
  cu?: string;
  sus?: string[];
  eol: boolean;
  eolDate: string | null;
  daysPastEol: number | null;
  vulns: VulnVerdict[];
  recommendation: string;
}
