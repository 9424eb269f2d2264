// Builders for realistic host records used by the store tests (shapes per src/core types;
// builds, release names and EOL dates taken from /work/shared/reference/exchange-*.csv).
import type { HostRecord } from '../../src/core/host-record.js';
import type { VulnVerdict } from '../../src/core/classification.js';
import type { Observation } from '../../src/core/observation.js';
import type { ObservationRef } from '../../src/store/store.js';

export interface RecordSpec {
  ip: string;
  port?: number;
  kind?: 'exchange' | 'suspect' | 'online' | 'not-exchange' | 'timeout';
  product?: string;
  build?: string;
  release?: string;
  eolDate?: string | null;
  vulns?: Array<[family: string, status: VulnVerdict['status']]>;
  country?: string;
  continent?: string;
  asn?: number;
  org?: string;
}

export function makeRecord(s: RecordSpec): HostRecord {
  const kind = s.kind ?? 'exchange';
  const classified = kind === 'exchange' || kind === 'suspect' || kind === 'online';
  const build = s.build ?? (kind === 'online' ? '15.20.7200.12' : '15.1.2507.6');
  const rec: HostRecord = {
    ip: s.ip,
    port: s.port ?? 443,
    source: 'shodan',
    timestamp: '2025-11-20T10:00:00Z',
    status: kind === 'online' ? 'exchange' : kind,
    isExchange: kind === 'exchange',
    suspect: kind === 'suspect',
    evidence: {
      exchange: kind === 'exchange' || kind === 'online' ? 'yes' : kind === 'suspect' ? 'suspect' : 'no',
      ...(classified ? { build, precision: 'full' as const } : {}),
      confidence: 'high',
      suspectReasons: kind === 'suspect' ? ['honeypot: contradicting versions'] : [],
      signals: classified
        ? [
            {
              rule: 'version-header',
              weight: 'definitive',
              where: 'header @ /EWS/Exchange.asmx',
              value: build,
              build,
              precision: 'full',
            },
          ]
        : [],
      serverNames: kind === 'exchange' ? ['EXCH01'] : [],
    },
    classification: classified
      ? {
          build,
          precision: 'full',
          product: kind === 'online' ? 'Exchange Online' : (s.product ?? 'Exchange Server 2016'),
          onPremises: kind !== 'online',
          release: s.release ?? 'Exchange Server 2016 CU23 Nov22SU',
          releaseKind: 'SU',
          releaseDate: '2022-11-08',
          exact: true,
          eol: false,
          eolDate: s.eolDate === undefined ? '2025-10-14' : s.eolDate,
          daysPastEol: null,
          vulns: (s.vulns ?? []).map(([family, status], i) => ({
            cve: `CVE-2099-${1000 + i}`,
            family,
            status,
            fixedIn: '15.1.2507.17',
            kev: i === 0,
          })),
          recommendation: 'Upgrade to Exchange Server SE.',
        }
      : null,
  };
  if (s.country || s.continent)
    rec.geo = {
      ...(s.country ? { country: s.country } : {}),
      ...(s.continent ? { continent: s.continent } : {}),
      source: 'embedded',
    };
  if (s.asn !== undefined) rec.asn = { number: s.asn, ...(s.org ? { org: s.org } : {}), source: 'embedded' };
  if (kind === 'timeout') rec.statusDetail = 'no answer in 5000 ms';
  return rec;
}

export function makeObservation(ip: string, port = 443): Observation {
  return {
    ip,
    port,
    timestamp: '2025-11-20T10:00:00Z',
    source: 'shodan',
    status: 'ok',
    http: [
      {
        path: '/EWS/Exchange.asmx',
        status: 401,
        headers: [
          ['X-OWA-Version', '15.1.2507.6'],
          ['X-FEServer', 'EXCH01'],
        ],
      },
    ],
    raw: { ip_str: ip, port },
  };
}

/** makeObservation as the store's reference to it. */
export function makeObservationRef(ip: string, port = 443): ObservationRef {
  return { kind: 'object', observation: makeObservation(ip, port) };
}
