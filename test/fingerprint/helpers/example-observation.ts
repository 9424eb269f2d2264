// Builds the smallest Observation that carries one rule example in the part the rule reads.
import type { HttpExchange, Observation } from '../../../src/core/observation.js';
import type { RuleDef, RuleExample } from '../../../src/fingerprint/index.js';

export function baseObservation(): Observation {
  return {
    ip: '127.0.0.1',
    port: 443,
    timestamp: '2024-01-01T00:00:00Z',
    source: 'probe',
    status: 'ok',
    http: [],
  };
}

function exchange(partial: Partial<HttpExchange>): HttpExchange {
  return { path: '/', status: 200, headers: [], ...partial };
}

export function exampleObservation(rule: RuleDef, ex: RuleExample): Observation {
  const obs = baseObservation();
  const name = ex.name ?? rule.names?.[0] ?? '';
  const status = ex.status ?? 200;
  switch (rule.reads) {
    case 'header':
      // An absent-rule example with empty input is a response that has headers, just not the named one.
      obs.http.push(
        exchange({
          status,
          headers:
            rule.match.absent && ex.input === '' ? [['Server', 'Microsoft-IIS/10.0']] : [[name, ex.input]],
        }),
      );
      break;
    case 'location':
      obs.http.push(exchange({ status: ex.status ?? 302, headers: [['Location', ex.input]] }));
      break;
    case 'body':
      obs.http.push(exchange({ status, body: ex.input }));
      break;
    case 'path':
      obs.http.push(exchange({ path: ex.input, status }));
      break;
    case 'status':
      obs.http.push(exchange({ status: Number(ex.input) }));
      break;
    case 'favicon':
      obs.http.push(exchange(name === 'mmh3' ? { faviconMmh3: Number(ex.input) } : { bodyMd5: ex.input }));
      break;
    case 'tls':
      obs.tls = { names: [ex.input] };
      break;
    case 'banner':
      obs.banners = { [name]: ex.input };
      break;
    case 'reported':
      obs.reported = { [name]: ex.input };
      break;
    case 'build':
      break;
  }
  return obs;
}
