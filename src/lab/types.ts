// Public shapes of the lab fleet (pinned API: the scanner and its benchmark code against them).

export type LabMix = 'realistic' | 'exchange-only' | 'bench';

export interface LabOptions {
  seed: number;
  count: number;
  /** First address of the fleet; every address must lie in 127.0.0.0/8. Default 127.88.0.1. */
  base?: string;
  /** Port of every HTTPS (and HTTP-only) host. Default 18443. */
  httpsPort?: number;
  /** When set, Exchange hosts also answer plain HTTP here (same responses). */
  httpPort?: number;
  /** When set, Exchange hosts (and IIS look-alikes) answer SMTP here. */
  smtpPort?: number;
  /** When set, the same SMTP hosts also answer SMTP over implicit TLS here (as on 465). */
  smtpsPort?: number;
  mix?: LabMix;
  /** Told about listener and socket errors that do not stop the lab (EMFILE under load...). */
  onError?: (message: string) => void;
}

export type Precision = 'full' | 'cu' | 'product';

export interface ExpectedVerdict {
  status: string;
  isExchange: boolean;
  suspect: boolean;
  /** Best build a non-intrusive scanner can read from outside (3 parts when precision is 'cu'). */
  build?: string;
  precision?: Precision;
  /** Four-part build a scanner may report as a lower bound (the ECP manifest's CU base build). */
  lowerBound?: string;
  /** Published through a front: its product (e.g. "nginx", "BIG-IP"). */
  fronted?: string;
  /** Windows version an NTLM NEGOTIATE on a published EWS/autodiscover reads ("10.0.17763"). */
  windowsVersion?: string;
}

/** What the lab serves for a host, so a scorer can tell "not exposed" from "missed". */
export interface LabExposure {
  tls: boolean;
  /** Published HTTP endpoints: owa, ews, autodiscover, ecp (Exchange); empty for others. */
  endpoints: string[];
  /** Endpoints whose responses carry X-OWA-Version. */
  owaVersionHeaderOn: string[];
  /** Version the server claims in its pages/headers (honeypots, Exchange Online, Exchange). */
  claimedBuild?: string;
  /** Internal name in X-FEServer and the certificate CN. */
  serverName?: string;
  certNames: string[];
  /** SMTP listener present (only when smtpPort was given). */
  smtp: boolean;
  /** Extra listener for plain HTTP (only when httpPort was given). */
  httpPort?: number;
  /** Front the host is published through (personas.yaml `fronts`). */
  front?: string;
  /** Windows version its NTLM CHALLENGE reports (Exchange hosts). */
  windowsVersion?: string;
}

export interface GroundTruthHost {
  ip: string;
  port: number;
  kind: 'exchange' | 'lookalike' | 'hostile' | 'closed';
  profile: string;
  product?: string;
  build?: string;
  /** Microsoft's release name of `build`, e.g. "Exchange Server 2019 CU11 Nov21SU". */
  release?: string;
  expected: ExpectedVerdict;
  exposes: LabExposure;
  geo: { country: string; continent: string };
  asn: { number: number; org: string };
}

export interface Lab {
  hosts: GroundTruthHost[];
  stop(): Promise<void>;
}
