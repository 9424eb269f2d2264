// What was seen at one ip:port at one time. Live probes and ingested scan files both
// produce this one shape, so one set of fingerprint rules judges both.

/** Outcome of the attempt to observe a target. Outcomes are data, never exceptions. */
export type ObservationStatus =
  | 'ok' // something answered; fingerprinting decides what it is
  | 'refused'
  | 'timeout'
  | 'tls-error'
  | 'protocol-error' // answered, but not with the protocol we spoke
  | 'unreachable'
  | 'excluded' // blocklisted or user-excluded: never connected to
  | 'error';

/** One HTTP request/response pair. Header names keep their original spelling. */
export interface HttpExchange {
  /** Request path, e.g. "/EWS/Exchange.asmx". "" when the source did not say. */
  path: string;
  method?: string;
  /** HTTP status code; 0 when no response line was read. */
  status: number;
  /** Response headers in arrival order, names as received (duplicates allowed). */
  headers: Array<[name: string, value: string]>;
  /** Body (or its first bytes), decoded as latin1 unless the source gave text. */
  body?: string;
  bodyTruncated?: boolean;
  /** Shodan-style mmh3 of the base64 body, for favicons. */
  faviconMmh3?: number;
  /** md5 hex of the raw body, for favicons. */
  bodyMd5?: string;
  /** Error for this one request (timeout, reset, ...), if any. */
  error?: string;
}

export interface TlsInfo {
  subjectCN?: string;
  /** Subject CN and subjectAltName DNS names, de-duplicated. */
  names: string[];
  issuer?: string;
  notAfter?: string;
  selfSigned?: boolean;
}

export interface Banners {
  smtp?: string; // greeting line(s)
  ehlo?: string; // EHLO response lines joined with \n
  imap?: string;
  pop?: string;
}

/** Claims made by the data source itself (ShadowServer `version`, a plain CSV build column...). */
/** What an SMTP session showed besides its banners. */
export interface SmtpSession {
  /** ok: upgraded; refused: the server answered STARTTLS with an error; failed: handshake failed;
   * not-offered: EHLO did not list it; implicit: TLS from the first byte (smtps). */
  tls: 'ok' | 'refused' | 'failed' | 'not-offered' | 'implicit';
  /** EHLO keywords (first word of each line after the greeting line), upper case, before and after TLS. */
  keywords: string[];
}

export interface Reported {
  build?: string;
  product?: string;
  tags?: string[];
  servername?: string;
}

export interface GeoInfo {
  country?: string; // ISO 3166-1 alpha-2
  continent?: string; // two-letter code: AF AN AS EU NA OC SA
  region?: string;
  city?: string;
  /** Where the geo came from: 'source' (the scan data), 'embedded', 'user-db', 'lab'. */
  source: string;
}

export interface AsnInfo {
  number: number;
  org?: string;
  source: string;
}

export type ObservationSource =
  'probe' | 'shodan' | 'censys' | 'zgrab2' | 'masscan' | 'nmap' | 'shadowserver' | 'csv';

export interface Observation {
  ip: string;
  port: number;
  transport?: 'tcp' | 'udp';
  /** Name used for SNI/Host, or the name the source associated with the address. */
  hostname?: string;
  /** ISO 8601 UTC time of the observation. */
  timestamp: string;
  source: ObservationSource;
  status: ObservationStatus;
  /** Human-readable detail for non-ok statuses ("ECONNRESET after 3 bytes"). */
  statusDetail?: string;
  http: HttpExchange[];
  tls?: TlsInfo;
  banners?: Banners;
  smtp?: SmtpSession;
  reported?: Reported;
  geo?: GeoInfo;
  asn?: AsnInfo;
  /** The source record, kept so stored observations can be re-judged later. */
  raw?: unknown;
}
