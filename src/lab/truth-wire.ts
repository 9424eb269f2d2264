// Ground truth on the wire: one JSON object per host, snake_case like every other JSONL we write.
import type { GroundTruthHost } from './types.js';

export function truthToWire(h: GroundTruthHost): Record<string, unknown> {
  const e = h.expected;
  const x = h.exposes;
  return {
    ip: h.ip,
    port: h.port,
    kind: h.kind,
    profile: h.profile,
    product: h.product,
    build: h.build,
    release: h.release,
    expected: {
      status: e.status,
      is_exchange: e.isExchange,
      suspect: e.suspect,
      build: e.build,
      precision: e.precision,
      lower_bound: e.lowerBound,
      fronted: e.fronted,
      windows_version: e.windowsVersion,
    },
    exposes: {
      tls: x.tls,
      endpoints: x.endpoints,
      owa_version_header_on: x.owaVersionHeaderOn,
      claimed_build: x.claimedBuild,
      server_name: x.serverName,
      cert_names: x.certNames,
      smtp: x.smtp,
      http_port: x.httpPort,
      front: x.front,
      windows_version: x.windowsVersion,
    },
    geo: h.geo,
    asn: h.asn,
  };
}
