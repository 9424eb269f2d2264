// snake_case wire form (JSON Lines, database JSON columns). Converted here, once.
import type { Classification, VulnVerdict } from './classification.js';
import type { Evidence, NtlmInfo } from './evidence.js';
import type { HostRecord } from './host-record.js';
import { SCHEMA_VERSION } from './host-record.js';

export interface WireVuln {
  cve: string;
  family: string;
  status: string;
  fixed_in?: string;
  kev?: boolean;
  note?: string;
}

export function vulnToWire(v: VulnVerdict): WireVuln {
  const out: WireVuln = { cve: v.cve, family: v.family, status: v.status };
  if (v.fixedIn) out.fixed_in = v.fixedIn;
  if (v.kev !== undefined) out.kev = v.kev;
  if (v.note !== undefined) out.note = v.note;
  return out;
}

/** The lookup fields, shared by `lookup --json` and every host record. */
export function classificationToWire(c: Classification | null): Record<string, unknown> {
  if (!c) {
    return {
      build: null,
      precision: null,
      product: null,
      on_premises: null,
      release: null,
      release_kind: null,
      release_date: null,
      exact: null,
      note: null,
      eol: null,
      eol_date: null,
      days_past_eol: null,
      vulns: [],
      recommendation: null,
    };
  }
  const out: Record<string, unknown> = {
    build: c.build,
    precision: c.precision,
    product: c.product,
    on_premises: c.onPremises,
    release: c.release,
    release_kind: c.releaseKind,
    release_date: c.releaseDate,
    exact: c.exact,
    note: c.note ?? null,
    eol: c.eol,
    eol_date: c.eolDate,
    days_past_eol: c.daysPastEol,
    vulns: c.vulns.map(vulnToWire),
    recommendation: c.recommendation,
  };
  if (c.cu !== undefined) out.cu = c.cu;
  if (c.sus !== undefined) out.sus = c.sus;
  return out;
}

/** NTLM host info on the wire. Internal names: bundles for owners only, never public views. */
export function ntlmToWire(n: NtlmInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { where: n.where };
  if (n.windowsVersion !== undefined) out.windows_version = n.windowsVersion;
  if (n.netbiosComputer !== undefined) out.netbios_computer = n.netbiosComputer;
  if (n.netbiosDomain !== undefined) out.netbios_domain = n.netbiosDomain;
  if (n.dnsComputer !== undefined) out.dns_computer = n.dnsComputer;
  if (n.dnsDomain !== undefined) out.dns_domain = n.dnsDomain;
  if (n.dnsTree !== undefined) out.dns_tree = n.dnsTree;
  return out;
}

export function evidenceToWire(e: Evidence): Record<string, unknown> {
  return {
    exchange: e.exchange,
    build: e.build ?? null,
    precision: e.precision ?? null,
    ...(e.revisionIsLowerBound ? { revision_is_lower_bound: true } : {}),
    confidence: e.confidence,
    suspect_reasons: e.suspectReasons,
    server_names: e.serverNames,
    ...(e.doubts ? { doubts: e.doubts } : {}),
    ...(e.fronted ? { fronted: true, ...(e.front !== undefined ? { front: e.front } : {}) } : {}),
    ...(e.ntlm ? { ntlm: ntlmToWire(e.ntlm) } : {}),
    signals: e.signals.map((s) => {
      const w: Record<string, unknown> = { rule: s.rule, weight: s.weight, where: s.where };
      if (s.value !== undefined) w.value = s.value;
      if (s.build !== undefined) w.build = s.build;
      if (s.precision !== undefined) w.precision = s.precision;
      if (s.implies !== undefined) w.implies = s.implies;
      if (s.revisionIsLowerBound) w.revision_is_lower_bound = true;
      return w;
    }),
  };
}

function windowsToWire(w: NonNullable<HostRecord['windows']>): Record<string, unknown> {
  return {
    version: w.version,
    product: w.product,
    end_of_support: w.endOfSupport,
    unsupported: w.unsupported,
  };
}

function probesToWire(probes: NonNullable<HostRecord['probes']>): Array<Record<string, unknown>> {
  return probes.map((p) => ({
    request: p.request,
    status: p.status,
    ms: p.ms,
    ...(p.error ? { error: p.error } : {}),
  }));
}

/** A host record's wire fields before its classification's. */
function wireHead(r: HostRecord): Record<string, unknown> {
  return {
    schema_version: SCHEMA_VERSION,
    ip: r.ip,
    port: r.port,
    hostname: r.hostname ?? null,
    source: r.source,
    timestamp: r.timestamp,
    status: r.status,
    status_detail: r.statusDetail ?? null,
    is_exchange: r.isExchange,
    suspect: r.suspect,
  };
}

/** A host record's wire fields after its classification's. */
function wireTail(r: HostRecord): Record<string, unknown> {
  return {
    evidence: evidenceToWire(r.evidence),
    ...(r.windows ? { windows: windowsToWire(r.windows) } : {}),
    ...(r.smtp ? { smtp: { tls: r.smtp.tls, keywords: r.smtp.keywords } } : {}),
    geo: r.geo
      ? {
          country: r.geo.country ?? null,
          continent: r.geo.continent ?? null,
          region: r.geo.region ?? null,
          city: r.geo.city ?? null,
          source: r.geo.source,
        }
      : null,
    asn: r.asn ? { number: r.asn.number, org: r.asn.org ?? null, source: r.asn.source } : null,
    ...(r.probes ? { probes: probesToWire(r.probes) } : {}),
  };
}

/**
 * One host record as a JSON object with snake_case fields and a schema_version. Without its
 * classification's fields when `classification` is false (the store keeps those apart, once per verdict).
 */
export function hostRecordToWire(r: HostRecord, classification = true): Record<string, unknown> {
  return {
    ...wireHead(r),
    ...(classification ? classificationToWire(r.classification) : {}),
    ...wireTail(r),
  };
}

/**
 * A classification's wire fields as JSON text without the braces, made once per classification:
 * records share one per build and date (classify/judge.ts), and its verdicts are most of a record's
 * text. Classifications are frozen, so the text stays true.
 */
const classificationText = new WeakMap<Classification, string>();
let noClassificationText: string | undefined;
function classificationFields(c: Classification | null): string {
  if (!c)
    return (noClassificationText ??= terminalSafe(JSON.stringify(classificationToWire(null))).slice(1, -1));
  let text = classificationText.get(c);
  if (text === undefined) {
    text = terminalSafe(JSON.stringify(classificationToWire(c))).slice(1, -1);
    classificationText.set(c, text);
  }
  return text;
}

/** `jsonLine(hostRecordToWire(r))`, the same text, with the classification's part made once per classification. */
export function hostJsonLine(r: HostRecord): string {
  const head = terminalSafe(JSON.stringify(wireHead(r)));
  const tail = terminalSafe(JSON.stringify(wireTail(r)));
  return `${head.slice(0, -1)},${classificationFields(r.classification)},${tail.slice(1)}`;
}

/**
 * The wire fields of a host record that a store's hosts row does not hold: what the store keeps
 * as the record's JSON. Without the address, port, host name, source, time, status, flags, geo and
 * network (columns of the row) and the classification (kept once per verdict).
 */
export function hostRecordRestToWire(r: HostRecord): Record<string, unknown> {
  return {
    schema_version: SCHEMA_VERSION,
    status_detail: r.statusDetail ?? null,
    evidence: evidenceToWire(r.evidence),
    ...(r.windows ? { windows: windowsToWire(r.windows) } : {}),
    ...(r.smtp ? { smtp: { tls: r.smtp.tls, keywords: r.smtp.keywords } } : {}),
    ...(r.probes ? { probes: probesToWire(r.probes) } : {}),
  };
}

/**
 * Characters JSON.stringify leaves as they are that a terminal acts on: C1 controls, bidi
 * embeddings, overrides and isolates, line and paragraph separators. Escaped as \uXXXX, the JSON
 * means the same text and shows no trick when printed.
 */
const TERMINAL_UNSAFE = /[\u0080-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * One line of `--json` output: every object a command prints as JSON Lines carries the
 * schema_version its fields follow (host records already have theirs in place).
 */
export function jsonLine(obj: Record<string, unknown>): string {
  return terminalSafe(
    JSON.stringify('schema_version' in obj ? obj : { schema_version: SCHEMA_VERSION, ...obj }),
  );
}

/** JSON text with TERMINAL_UNSAFE characters as \\uXXXX (they occur only inside its strings). */
function terminalSafe(s: string): string {
  TERMINAL_UNSAFE.lastIndex = 0;
  return TERMINAL_UNSAFE.test(s)
    ? s.replace(TERMINAL_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : s;
}
