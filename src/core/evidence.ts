// What fingerprinting concluded from an Observation, and why.

/** How much of the build is known: 4 parts, 3 parts (CU), or only "it is Exchange". */
export type Precision = 'full' | 'cu' | 'product';

/**
 * definitive / supporting: the product is there. negative: proof of a honeypot or a hosted
 * service (the host becomes suspect). doubt: odd, but a real server behind a front can show it
 * (lowers confidence only). note: a fact recorded beside the verdict (a front, NTLM host info).
 */
export type SignalWeight = 'definitive' | 'supporting' | 'negative' | 'doubt' | 'note';

/** Weights that say the product is there. */
export function isPositiveWeight(w: SignalWeight): boolean {
  return w === 'definitive' || w === 'supporting';
}

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
  /** A reverse proxy, load balancer or WAF answers in front of the server (its headers or pages say so). */
  fronted?: boolean;
  /** The front's product where it names itself (e.g. "nginx", "BIG-IP"). */
  front?: string;
  /** Odd tells that lowered confidence without proving anything (doubt rules' reasons). */
  doubts?: string[];
  /**
   * NTLM host information from an anonymous NEGOTIATE/CHALLENGE exchange. Internal: its names
   * go to network owners (bundles), never to public views.
   */
  ntlm?: NtlmInfo;
}

/** What an NTLM CHALLENGE message says about the server (MS-NLMP 2.2.1.2, 2.2.2.1, 2.2.2.10). */
export interface NtlmInfo {
  /** Windows version from the VERSION structure, "major.minor.build" (e.g. "10.0.17763"). */
  windowsVersion?: string;
  netbiosComputer?: string;
  netbiosDomain?: string;
  dnsComputer?: string;
  dnsDomain?: string;
  dnsTree?: string;
  /** Where it was read ("header WWW-Authenticate @ /EWS/Exchange.asmx", "banner smtp-auth"...). */
  where: string;
}
