// What fingerprinting concluded from an Observation, and why.

/** How much of the build is known: 4 parts, 3 parts (CU), or only "it is Exchange". */
export type Precision = 'full' | 'cu' | 'product';

export type SignalWeight = 'definitive' | 'supporting' | 'negative';

export interface Signal {
  /** Id of the fingerprint rule that fired, e.g. "owa-version-header". */
  rule: string;
  weight: SignalWeight;
  /** Where it was read: "header X-OWA-Version @ /EWS/Exchange.asmx", "banner smtp", ... */
  where: string;
  /** The extracted value, if any (a build, a host name, a hash). */
  value?: string;
  /** Build extracted by this signal, normalised (no zero padding). */
  build?: string;
  precision?: Precision;
  /** Product family the signal implies, e.g. "exchange-online" for 15.20 builds. */
  implies?: string;
  /** The revision read is a lower bound (the source may not move with security updates). */
  revisionIsLowerBound?: boolean;
}

export interface Evidence {
  /** yes: on-premises Exchange; no: not Exchange; suspect: Exchange markers plus honeypot/EXO tells. */
  exchange: 'yes' | 'no' | 'suspect';
  /** Best build read, normalised; absent when none was read. */
  build?: string;
  /** Precision of `build`; 'product' when Exchange but no build. */
  precision?: Precision;
  /** `build`'s revision is only a lower bound: SU-level verdicts are 'likely', not certain. */
  revisionIsLowerBound?: boolean;
  confidence: 'high' | 'medium' | 'low';
  /** Why a host is suspect (honeypot, Exchange Online, contradicting versions...). */
  suspectReasons: string[];
  signals: Signal[];
  /** Internal names leaked by the server (X-FEServer, certificate CN, SMTP greeting). */
  serverNames: string[];
}
