// A judged observation: the unit that is stored, reported, diffed and exported.
import type { AsnInfo, GeoInfo, ObservationSource, ObservationStatus, SmtpSession } from './observation.js';
import type { Evidence } from './evidence.js';
import type { Classification } from './classification.js';

/** Per-target outcome. The first three come from fingerprinting an 'ok' observation. */
export type HostStatus = 'exchange' | 'suspect' | 'not-exchange' | Exclude<ObservationStatus, 'ok'>;

export interface ProbeLogEntry {
  /** "GET /EWS/Exchange.asmx", "SMTP EHLO", "TLS handshake". */
  request: string;
  /** HTTP status, or 0. */
  status: number;
  ms: number;
  error?: string;
}

/** The Windows a host runs (from NTLM host info) and its support on the as-of date. */
export interface WindowsVerdict {
  /** "major.minor.build" as the server reported it. */
  version: string;
  /** e.g. "Windows Server 2012 R2"; null for a version the table does not know. */
  product: string | null;
  endOfSupport: string | null;
  /** Past end of support on the as-of date; null when unknown. */
  unsupported: boolean | null;
}

export interface HostRecord {
  ip: string;
  port: number;
  hostname?: string;
  source: ObservationSource;
  timestamp: string;
  status: HostStatus;
  statusDetail?: string;
  /** On-premises Exchange (suspects and Exchange Online are not). */
  isExchange: boolean;
  suspect: boolean;
  evidence: Evidence;
  /** Present when a build or product was read (also for suspects, for the record). */
  classification: Classification | null;
  /** Present when the host reported its Windows version (NTLM). */
  windows?: WindowsVerdict;
  /** SMTP ports: whether TLS was had (STARTTLS or implicit) and the EHLO keywords. */
  smtp?: SmtpSession;
  geo?: GeoInfo;
  asn?: AsnInfo;
  probes?: ProbeLogEntry[];
}

export const SCHEMA_VERSION = 1;
