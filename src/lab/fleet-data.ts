// Loads and validates data/lab/*.yaml once. Everything the lab knows about Exchange lives there.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import { dataPath } from '../core/data-dir.js';

const buildRow = z.object({
  product: z.string(),
  release: z.string(),
  build: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/),
  cu_base: z.string().regex(/^\d+\.\d+\.\d+\.\d+$/),
  date: z
    .union([z.string(), z.date()])
    .transform((d) => (typeof d === 'string' ? d : d.toISOString().slice(0, 10))),
  iis: z.string(),
});

const profile = z.object({
  kind: z.enum(['exchange', 'lookalike', 'hostile', 'closed']),
  endpoints: z.array(z.enum(['owa', 'ews', 'autodiscover', 'ecp'])).optional(),
  blocked: z.record(z.string(), z.union([z.literal(403), z.literal(404)])).optional(),
  strip_owa_version: z.boolean().optional(),
  tls: z.boolean().optional(),
  front: z.string().optional(),
  smtp: z.boolean().optional(),
  smtp_iis: z.boolean().optional(),
  persona: z.string().optional(),
  cert: z.string().optional(),
  iis: z.string().optional(),
  claimed_build: z.string().optional(),
  title: z.string().optional(),
  behaviour: z
    .enum(['silent', 'trickle', 'endless-body', 'huge-body', 'redirect-loop', 'garbage', 'tls-fail'])
    .optional(),
  expected: z.object({ status: z.string(), suspect: z.boolean().optional() }).optional(),
});

const fleetFile = z.object({
  profiles: z.record(z.string(), profile),
  mixes: z.record(z.string(), z.record(z.string(), z.number().positive())),
  owa_titles: z.record(z.string(), z.string()),
  aspnet_versions: z.record(z.string(), z.string()),
  exchange_personas: z.record(z.string(), z.string()),
  windows: z.object({
    by_iis: z.record(z.string(), z.string().regex(/^\d+\.\d+\.\d+$/)),
    iis10_by_build: z.record(z.string(), z.array(z.string().regex(/^\d+\.\d+\.\d+$/)).min(1)),
  }),
});

const smtpDialect = z.object({
  banner: z.string(),
  ehlo: z.array(z.string()).min(1),
  helo: z.string(),
  quit: z.string(),
  noop: z.string(),
  rset: z.string(),
  starttls: z.string(),
  unknown: z.string(),
});
const smtpFile = z.object({ exchange: smtpDialect, iis: smtpDialect });

const geoFile = z.object({
  countries: z
    .array(
      z.object({
        country: z.string().length(2),
        continent: z.string().length(2),
        weight: z.number().positive(),
      }),
    )
    .min(1),
  asns: z.array(z.object({ number: z.number().int(), org: z.string() })).min(1),
});

const certEntry = z.object({ id: z.string(), cn: z.string(), san: z.array(z.string()) });
const certsFile = z.object({ exchange: z.array(certEntry).min(1), other: z.array(certEntry) });

type HeaderPair = [string, string];
const headerList = z.array(z.unknown()).transform((items, ctx): HeaderPair[] => {
  // YAML anchors put header sets inside the list; flatten one level.
  const out: HeaderPair[] = [];
  const push = (v: unknown): void => {
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string')
      out.push([v[0], v[1]]);
    else if (Array.isArray(v)) v.forEach(push);
    else ctx.addIssue({ code: 'custom', message: `bad header entry ${JSON.stringify(v)}` });
  };
  items.forEach(push);
  return out;
});
const route = z.object({
  path: z.string().optional(),
  endpoint: z.string().optional(),
  status: z.number().int(),
  reason: z.string().optional(),
  headers: headerList.default([]),
  template: z.string().optional(),
  body: z.string().optional(),
});
const front = z.object({
  drop: z.array(z.string()).default([]),
  add: headerList.default([]),
  blocked: route,
});
const personasFile = z.object({
  fronts: z.record(z.string(), front).default({}),
  personas: z.record(
    z.string(),
    z.object({ fallback: route, blocked: z.record(z.string(), route).optional(), routes: z.array(route) }),
  ),
});

export type BuildRow = z.infer<typeof buildRow>;
export type Profile = z.infer<typeof profile>;
export type Route = z.infer<typeof route>;
export type Persona = z.infer<typeof personasFile>['personas'][string];
export type Front = z.infer<typeof front>;
export type CertEntry = z.infer<typeof certEntry>;
export type SmtpDialect = z.infer<typeof smtpDialect>;

export interface FleetData {
  dir: string;
  builds: BuildRow[];
  profiles: Record<string, Profile>;
  mixes: Record<string, Record<string, number>>;
  owaTitles: Record<string, string>;
  aspnetVersions: Record<string, string>;
  exchangePersonas: Record<string, string>;
  windows: z.infer<typeof fleetFile>['windows'];
  fronts: Record<string, Front>;
  smtp: z.infer<typeof smtpFile>;
  geo: z.infer<typeof geoFile>;
  certs: z.infer<typeof certsFile>;
  personas: Record<string, Persona>;
  /** Template file name -> bytes. */
  templates: Map<string, Buffer>;
}

/** data/lab, from src/ (tsx) or dist/src/ (built). */
export function labDataDir(): string {
  return dirname(dataPath('lab', 'fleet.yaml'));
}

function readYaml<T>(dir: string, name: string, schema: z.ZodType<T>): T {
  const res = schema.safeParse(parse(readFileSync(join(dir, name), 'utf8')));
  if (!res.success) throw new DataError(`data/lab/${name}: ${z.prettifyError(res.error)}`);
  return res.data;
}

let cached: FleetData | undefined;

export function loadFleetData(): FleetData {
  if (cached) return cached;
  const dir = labDataDir();
  const fleet = readYaml(dir, 'fleet.yaml', fleetFile);
  const personas = readYaml(dir, 'personas.yaml', personasFile);
  const templates = new Map<string, Buffer>();
  for (const name of readdirSync(join(dir, 'templates')))
    templates.set(name, readFileSync(join(dir, 'templates', name)));
  const data: FleetData = {
    dir,
    builds: readYaml(dir, 'builds.yaml', z.array(buildRow).min(1)),
    profiles: fleet.profiles,
    mixes: fleet.mixes,
    owaTitles: fleet.owa_titles,
    aspnetVersions: fleet.aspnet_versions,
    exchangePersonas: fleet.exchange_personas,
    windows: fleet.windows,
    fronts: personas.fronts,
    smtp: readYaml(dir, 'smtp.yaml', smtpFile),
    geo: readYaml(dir, 'geo.yaml', geoFile),
    certs: readYaml(dir, 'certs.yaml', certsFile),
    personas: personas.personas,
    templates,
  };
  checkReferences(data);
  cached = data;
  return data;
}

/** Cross-file references: a typo in a profile must fail loudly at load, not mid-scan. */
function checkReferences(d: FleetData): void {
  const certIds = new Set([...d.certs.exchange, ...d.certs.other].map((c) => c.id));
  for (const [id, p] of Object.entries(d.profiles)) {
    if (p.persona && !d.personas[p.persona])
      throw new DataError(`fleet.yaml profile ${id}: unknown persona ${p.persona}`);
    if (p.cert && !certIds.has(p.cert))
      throw new DataError(`fleet.yaml profile ${id}: unknown cert ${p.cert}`);
    if (p.kind !== 'exchange' && !p.expected) throw new DataError(`fleet.yaml profile ${id}: needs expected`);
    if (p.front && !d.fronts[p.front])
      throw new DataError(`fleet.yaml profile ${id}: unknown front ${p.front}`);
    if (p.kind === 'hostile' && !p.behaviour)
      throw new DataError(`fleet.yaml profile ${id}: hostile needs behaviour`);
  }
  for (const persona of Object.values(d.exchangePersonas)) {
    if (!d.personas[persona]) throw new DataError(`fleet.yaml exchange_personas: unknown persona ${persona}`);
  }
  for (const [mix, weights] of Object.entries(d.mixes)) {
    for (const id of Object.keys(weights))
      if (!d.profiles[id]) throw new DataError(`fleet.yaml mix ${mix}: unknown profile ${id}`);
  }
  const frontPages = Object.values(d.fronts).map((f) => f.blocked);
  for (const [name, persona] of Object.entries({
    ...d.personas,
    fronts: { fallback: frontPages[0] ?? { status: 404, headers: [] }, routes: frontPages },
  })) {
    for (const r of [
      persona.fallback,
      ...persona.routes,
      ...Object.values((persona as Persona).blocked ?? {}),
    ]) {
      if (r.template && !d.templates.has(r.template))
        throw new DataError(`personas.yaml ${name}: missing template ${r.template}`);
    }
  }
}

/** Value for the longest key that prefixes the build ("15.0" beats "15" for 15.0.1497.2). */
export function byBuildPrefix(table: Record<string, string>, build: string): string | undefined {
  let best: string | undefined;
  for (const key of Object.keys(table)) {
    if ((build === key || build.startsWith(key + '.')) && (best === undefined || key.length > best.length))
      best = key;
  }
  return best === undefined ? undefined : table[best];
}
