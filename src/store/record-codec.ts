// Host records are stored in their wire form (hostRecordToWire); this reads them back.
import type { SqlRow } from './driver.js';
import type { Classification, VulnStatus } from '../core/classification.js';
import type { Evidence, NtlmInfo, Precision, Signal } from '../core/evidence.js';
import type { HostRecord, HostStatus, ProbeLogEntry, WindowsVerdict } from '../core/host-record.js';
import type { ObservationSource, SmtpSession } from '../core/observation.js';

type Wire = Record<string, unknown>;

const s = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const n = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** Copies defined values only, so optional fields stay absent rather than undefined. */
function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

function ntlmFromWire(w: Wire | undefined): NtlmInfo | undefined {
  if (!w || typeof w !== 'object') return undefined;
  return compact<NtlmInfo>({
    where: String(w.where ?? ''),
    windowsVersion: s(w.windows_version),
    netbiosComputer: s(w.netbios_computer),
    netbiosDomain: s(w.netbios_domain),
    dnsComputer: s(w.dns_computer),
    dnsDomain: s(w.dns_domain),
    dnsTree: s(w.dns_tree),
  });
}

function evidenceFromWire(w: Wire): Evidence {
  return compact({
    exchange: w.exchange as Evidence['exchange'],
    build: s(w.build),
    precision: s(w.precision) as Precision | undefined,
    revisionIsLowerBound: w.revision_is_lower_bound === true ? true : undefined,
    confidence: w.confidence as Evidence['confidence'],
    suspectReasons: (w.suspect_reasons as string[]) ?? [],
    signals: ((w.signals as Wire[]) ?? []).map((x) =>
      compact<Signal>({
        rule: String(x.rule),
        weight: x.weight as Signal['weight'],
        where: String(x.where),
        value: s(x.value),
        build: s(x.build),
        precision: s(x.precision) as Precision | undefined,
        implies: s(x.implies),
        revisionIsLowerBound: x.revision_is_lower_bound === true ? true : undefined,
      }),
    ),
    serverNames: (w.server_names as string[]) ?? [],
    doubts: Array.isArray(w.doubts) ? [...(w.doubts as string[])] : undefined,
    fronted: w.fronted === true ? true : undefined,
    front: s(w.front),
    ntlm: ntlmFromWire(w.ntlm as Wire | undefined),
  });
}

function classificationFromWire(w: Wire): Classification | null {
  // Every classification has a precision; the wire form of "none" has all fields null.
  if (w.precision === null || w.precision === undefined) return null;
  return compact<Classification>({
    build: String(w.build ?? ''),
    precision: w.precision as Precision,
    product: s(w.product) ?? null,
    onPremises: w.on_premises === true,
    release: s(w.release) ?? null,
    releaseKind: s(w.release_kind) ?? null,
    releaseDate: s(w.release_date) ?? null,
    exact: w.exact === true,
    note: s(w.note),
    cu: s(w.cu),
    sus: Array.isArray(w.sus) ? [...(w.sus as string[])] : undefined,
    eol: w.eol === true,
    eolDate: s(w.eol_date) ?? null,
    daysPastEol: n(w.days_past_eol) ?? null,
    vulns: ((w.vulns as Wire[]) ?? []).map((v) =>
      compact({
        cve: String(v.cve),
        family: String(v.family),
        status: v.status as VulnStatus,
        fixedIn: s(v.fixed_in),
        kev: typeof v.kev === 'boolean' ? v.kev : undefined,
        note: s(v.note),
      }),
    ),
    recommendation: s(w.recommendation) ?? '',
  });
}

function windowsFromWire(w: Wire | null | undefined): WindowsVerdict | undefined {
  if (!w || typeof w !== 'object') return undefined;
  return {
    version: String(w.version ?? ''),
    product: s(w.product) ?? null,
    endOfSupport: s(w.end_of_support) ?? null,
    unsupported: typeof w.unsupported === 'boolean' ? w.unsupported : null,
  };
}

export function hostRecordFromWire(w: Wire): HostRecord {
  const geo = w.geo as Wire | null | undefined;
  const asn = w.asn as Wire | null | undefined;
  const probes = w.probes as Wire[] | undefined;
  return compact<HostRecord>({
    ip: String(w.ip),
    port: Number(w.port),
    hostname: s(w.hostname),
    source: w.source as ObservationSource,
    timestamp: String(w.timestamp),
    status: w.status as HostStatus,
    statusDetail: s(w.status_detail),
    isExchange: w.is_exchange === true,
    suspect: w.suspect === true,
    evidence: evidenceFromWire((w.evidence as Wire) ?? {}),
    classification: classificationFromWire(w),
    windows: windowsFromWire(w.windows as Wire | null | undefined),
    smtp:
      w.smtp && typeof w.smtp === 'object'
        ? {
            tls: (w.smtp as Wire).tls as SmtpSession['tls'],
            keywords: [...(((w.smtp as Wire).keywords as string[] | undefined) ?? [])],
          }
        : undefined,
    geo: geo
      ? compact({
          country: s(geo.country),
          continent: s(geo.continent),
          region: s(geo.region),
          city: s(geo.city),
          source: String(geo.source),
        })
      : undefined,
    asn: asn
      ? compact({ number: Number(asn.number), org: s(asn.org), source: String(asn.source) })
      : undefined,
    probes: probes?.map((p) =>
      compact<ProbeLogEntry>({
        request: String(p.request),
        status: Number(p.status),
        ms: Number(p.ms),
        error: s(p.error),
      }),
    ),
  });
}

const text = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

/**
 * The wire fields a hosts row holds as columns (pushHostRow): what a record's JSON leaves out
 * since it is stored beside them (hostRecordRestToWire), as hostRecordToWire gives them.
 */
export function rowToWire(row: SqlRow): Wire {
  const geoSource = text(row.geo_source);
  const asnSource = text(row.asn_source);
  return {
    ip: String(row.ip),
    port: Number(row.port),
    hostname: text(row.hostname),
    source: String(row.source),
    timestamp: String(row.observed_at),
    status: String(row.status),
    is_exchange: Number(row.is_exchange) === 1,
    suspect: Number(row.suspect) === 1,
    geo:
      geoSource === null
        ? null
        : {
            country: text(row.country),
            continent: text(row.continent),
            region: text(row.geo_region),
            city: text(row.geo_city),
            source: geoSource,
          },
    asn:
      asnSource === null || row.asn === null || row.asn === undefined
        ? null
        : { number: Number(row.asn), org: text(row.asn_org), source: asnSource },
  };
}
