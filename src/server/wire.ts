// The API's JSON shapes (documented in docs/api.md): snake_case, as the CLI's JSON output.
import type { HostRow } from '../run/index.js';

export function hostRowToJson(h: HostRow): Record<string, unknown> {
  return {
    ip: h.ip,
    port: h.port,
    hostname: h.hostname,
    status: h.status,
    is_exchange: h.isExchange,
    suspect: h.suspect,
    product: h.product,
    release: h.release,
    build: h.build,
    eol_date: h.eolDate,
    continent: h.continent,
    country: h.country,
    asn: h.asn,
    asn_org: h.asnOrg,
    vulnerable: h.vulnerable,
    likely: h.likely,
    evidence: h.evidence,
    confidence: h.confidence,
    source: h.source,
    observed_at: h.observedAt,
  };
}
