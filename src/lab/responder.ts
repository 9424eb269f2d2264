// Answers HTTP for one lab host from its persona (data/lab/personas.yaml): routes compiled once
// per host with the host's fixed values; per-request values (origin, request-id GUID) at answer time.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { byBuildPrefix, type FleetData, type Front, type Persona, type Route } from './fleet-data.js';
import { challengeMessage, hostChallengeFields } from './ntlm.js';
import { cuOf } from './expected.js';
import type { HostPlan } from './plan.js';

interface CompiledRoute {
  status: number;
  reason: string;
  /** Header values may still hold per-request placeholders. */
  headers: Array<[string, string]>;
  body: Buffer | string;
  hasContentLength: boolean;
  /** The answer to an anonymous NTLM NEGOTIATE, for routes that offer NTLM. */
  ntlm?: CompiledRoute;
}

export interface CompiledHost {
  routes: Map<string, CompiledRoute>;
  fallback: CompiledRoute;
}

const PLACEHOLDER = /\{([a-z_]+)\}/g;

function fill(text: string, vars: Record<string, string | undefined>): string {
  return text.replace(PLACEHOLDER, (m, k: string) => vars[k] ?? m);
}

export function personaName(plan: HostPlan, data: FleetData): string | undefined {
  if (plan.build) return byBuildPrefix(data.exchangePersonas, plan.build.build);
  return plan.profile.persona;
}

/** The host's fixed placeholder values; `owa_version` is handled per route. */
function hostVars(plan: HostPlan, data: FleetData): Record<string, string | undefined> {
  const b = plan.build;
  const claimed = plan.profile.claimed_build;
  const beName = `${plan.truth.geo.continent === 'EU' ? 'AM' : 'BY'}${plan.token.slice(0, 4).toUpperCase()}MB${(plan.seed % 9000) + 1000}`;
  return {
    iis: b?.iis ?? plan.profile.iis ?? '10.0',
    aspnet: b ? byBuildPrefix(data.aspnetVersions, b.build) : undefined,
    feserver: plan.cert?.cn,
    build: b?.build ?? claimed,
    cu: b ? cuOf(b.build) : claimed,
    cu_base: b?.cu_base,
    token: plan.token,
    title: b ? byBuildPrefix(data.owaTitles, b.build) : plan.profile.title,
    exo_version: claimed,
    exo_be: beName,
    exo_fe: `${beName.slice(0, 4)}P${(plan.seed % 900) + 100}CU00${plan.seed % 9}`,
    bigip_cookie: `${plan.seed}.47873.0000`,
  };
}

/** A front rewrites every response the host gives: headers dropped and added. */
function throughFront(route: CompiledRoute, front: Front | undefined): CompiledRoute {
  if (!front) return route;
  const drop = new Set(front.drop.map((n) => n.toLowerCase()));
  const headers = route.headers.filter(([n]) => !drop.has(n.toLowerCase()));
  return { ...route, headers: [...headers, ...front.add] };
}

/** The 401 with a CHALLENGE in place of the NTLM/Negotiate offers (MS-NLMP: one NTLM header). */
function withChallenge(route: CompiledRoute, challenge: string | undefined): CompiledRoute {
  const offers = route.headers.some(([n, v]) => n.toLowerCase() === 'www-authenticate' && v === 'NTLM');
  if (!challenge || route.status !== 401 || !offers) return route;
  const headers = route.headers.filter(([n]) => n.toLowerCase() !== 'www-authenticate');
  return { ...route, ntlm: { ...route, headers: [...headers, ['WWW-Authenticate', `NTLM ${challenge}`]] } };
}

function compileRoute(
  route: Route,
  vars: Record<string, string | undefined>,
  owaHeader: boolean,
  data: FleetData,
): CompiledRoute {
  const headers: Array<[string, string]> = [];
  for (const [name, value] of route.headers) {
    if (value.includes('{owa_version}') && !owaHeader) continue;
    headers.push([name, fill(value, vars)]);
  }
  const tpl = route.template ? data.templates.get(route.template) : undefined;
  const isText = route.template === undefined || !/\.(ico|png|gif)$/.test(route.template);
  const body: Buffer | string = tpl
    ? isText
      ? fill(tpl.toString('utf8'), vars)
      : tpl
    : fill(route.body ?? '', vars);
  const hasContentLength = headers.some(([n]) => n.toLowerCase() === 'content-length');
  return { status: route.status, reason: route.reason ?? '', headers, body, hasContentLength };
}

export function compileHost(plan: HostPlan, data: FleetData): CompiledHost {
  const name = personaName(plan, data);
  const persona: Persona | undefined = name ? data.personas[name] : undefined;
  if (!persona) throw new Error(`lab: no persona for profile ${plan.truth.profile}`);
  const vars = hostVars(plan, data);
  const exposed = new Set(plan.truth.exposes.endpoints);
  const headerOn = new Set(plan.truth.exposes.owaVersionHeaderOn);
  const isExchange = plan.truth.kind === 'exchange';
  const owaVars = { ...vars, owa_version: isExchange ? plan.build?.build : vars.exo_version };
  const front = plan.profile.front ? data.fronts[plan.profile.front] : undefined;
  const windows = plan.truth.exposes.windowsVersion;
  const challenge =
    isExchange && plan.cert && windows
      ? challengeMessage(hostChallengeFields(plan.cert.cn, plan.cert.san, windows)).toString('base64')
      : undefined;
  const routes = new Map<string, CompiledRoute>();
  for (const route of persona.routes) {
    const path = fill(route.path ?? '/', vars).toLowerCase();
    if (isExchange && route.endpoint && !exposed.has(route.endpoint)) {
      // A front publishes only its endpoints and answers the rest itself.
      const status = String(plan.profile.blocked?.[route.endpoint] ?? 404);
      const blocked = front?.blocked ?? persona.blocked?.[status] ?? persona.fallback;
      routes.set(path, compileRoute(blocked, vars, false, data));
      continue;
    }
    const owaHeader = isExchange
      ? route.endpoint !== undefined && headerOn.has(route.endpoint)
      : plan.truth.exposes.owaVersionHeaderOn.length > 0;
    const compiled = throughFront(compileRoute(route, owaVars, owaHeader, data), front);
    routes.set(path, withChallenge(compiled, challenge));
  }
  const fallback = front
    ? compileRoute(front.blocked, vars, false, data)
    : compileRoute(persona.fallback, vars, false, data);
  return { routes, fallback };
}

export function respond(
  host: CompiledHost,
  req: IncomingMessage,
  res: ServerResponse,
  scheme: string,
  localIp: string,
): void {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = decodeURIComponentSafe(q >= 0 ? url.slice(0, q) : url).toLowerCase();
  const found = host.routes.get(path) ?? host.fallback;
  const auth = req.headers.authorization;
  const route = found.ntlm && auth?.startsWith('NTLM TlRMTVNTUAAB') ? found.ntlm : found;
  const authority = req.headers.host ?? localIp;
  const origin = `${scheme}://${authority}`;
  const reqVars = {
    scheme,
    host: authority,
    origin,
    origin_enc: encodeURIComponent(origin).toLowerCase(),
    guid: randomUUID(),
  };
  const flat: string[] = [];
  for (const [n, v] of route.headers) flat.push(n, v.includes('{') ? fill(v, reqVars) : v);
  const body =
    typeof route.body === 'string'
      ? Buffer.from(route.body.includes('{') ? fill(route.body, reqVars) : route.body)
      : route.body;
  if (!route.hasContentLength) flat.push('Content-Length', String(body.length));
  res.writeHead(route.status, route.reason, flat);
  res.end(req.method === 'HEAD' ? undefined : body);
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
