// Versioned schema: numbered migrations, applied in order, recorded in schema_migrations.
// One SQL text per migration; {{id}} and {{ctext}} expand per dialect. A store that holds a
// migration this binary does not know was written by a newer excensus and is refused: no downgrade.
import { ConfigError } from '../core/errors.js';
import type { DriverTraits, SqlDriver } from './driver.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'scans, hosts, families, census summary',
    sql: `
CREATE TABLE scans (
  id {{id}},
  name TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  source TEXT NOT NULL,
  series TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  state TEXT NOT NULL DEFAULT 'running',
  inputs TEXT NOT NULL,
  options TEXT NOT NULL,
  data_version BIGINT NOT NULL DEFAULT 0,
  summary_version BIGINT NOT NULL DEFAULT -1
);
CREATE TABLE families (
  bit INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE hosts (
  id {{id}},
  scan_id BIGINT NOT NULL,
  ip {{ctext}} NOT NULL,
  port INTEGER NOT NULL,
  hostname TEXT,
  source TEXT NOT NULL,
  observed_at TEXT NOT NULL,
  status TEXT NOT NULL,
  is_exchange SMALLINT NOT NULL,
  suspect SMALLINT NOT NULL,
  product TEXT,
  release_name TEXT,
  build TEXT,
  eol_date {{ctext}},
  continent TEXT,
  country TEXT,
  asn BIGINT,
  asn_org TEXT,
  vuln_mask BIGINT NOT NULL DEFAULT 0,
  likely_mask BIGINT NOT NULL DEFAULT 0,
  UNIQUE (scan_id, ip, port)
);
CREATE TABLE host_data (
  host_id BIGINT PRIMARY KEY,
  record TEXT NOT NULL,
  observation TEXT
);
CREATE TABLE census_summary (
  scan_id BIGINT NOT NULL,
  continent TEXT,
  country TEXT,
  product TEXT,
  release_name TEXT,
  status TEXT NOT NULL,
  eol_date {{ctext}},
  is_exchange SMALLINT NOT NULL,
  suspect SMALLINT NOT NULL,
  vuln_mask BIGINT NOT NULL,
  likely_mask BIGINT NOT NULL,
  n BIGINT NOT NULL
);
CREATE INDEX census_summary_scan ON census_summary (scan_id);
`,
  },
  {
    version: 2,
    name: 'per-family census cubes, ASN cubes',
    // census_summary stays as the mask cube of the geo dimensions (family grouping and filters).
    // fam = -1 rows count hosts in n; fam = bit rows count that family's vulnerable/likely servers.
    sql: `
CREATE TABLE census_geo (
  scan_id BIGINT NOT NULL,
  continent TEXT,
  country TEXT,
  product TEXT,
  release_name TEXT,
  status TEXT NOT NULL,
  eol_date {{ctext}},
  is_exchange SMALLINT NOT NULL,
  suspect SMALLINT NOT NULL,
  fam INTEGER NOT NULL,
  n BIGINT NOT NULL,
  vulnerable BIGINT NOT NULL,
  likely BIGINT NOT NULL
);
CREATE INDEX census_geo_scan ON census_geo (scan_id);
CREATE TABLE census_asn_mask (
  scan_id BIGINT NOT NULL,
  asn BIGINT,
  asn_org TEXT,
  product TEXT,
  status TEXT NOT NULL,
  eol_date {{ctext}},
  is_exchange SMALLINT NOT NULL,
  suspect SMALLINT NOT NULL,
  vuln_mask BIGINT NOT NULL,
  likely_mask BIGINT NOT NULL,
  n BIGINT NOT NULL
);
CREATE INDEX census_asn_mask_scan ON census_asn_mask (scan_id, asn);
CREATE TABLE census_asn (
  scan_id BIGINT NOT NULL,
  asn BIGINT,
  asn_org TEXT,
  product TEXT,
  status TEXT NOT NULL,
  eol_date {{ctext}},
  is_exchange SMALLINT NOT NULL,
  suspect SMALLINT NOT NULL,
  fam INTEGER NOT NULL,
  n BIGINT NOT NULL,
  vulnerable BIGINT NOT NULL,
  likely BIGINT NOT NULL
);
CREATE INDEX census_asn_scan ON census_asn (scan_id, asn);
UPDATE scans SET summary_version = -1;
`,
  },
  {
    version: 3,
    name: 'family mask cube without geo',
    // Family grouping without geo reads a few thousand rows instead of the geo mask cube.
    sql: `
CREATE TABLE census_family_mask (
  scan_id BIGINT NOT NULL,
  product TEXT,
  status TEXT NOT NULL,
  eol_date {{ctext}},
  is_exchange SMALLINT NOT NULL,
  suspect SMALLINT NOT NULL,
  vuln_mask BIGINT NOT NULL,
  likely_mask BIGINT NOT NULL,
  n BIGINT NOT NULL
);
CREATE INDEX census_family_mask_scan ON census_family_mask (scan_id);
UPDATE scans SET summary_version = -1;
`,
  },
  {
    version: 4,
    name: 'plain records stored as columns only',
    // A record with no evidence signals and no classification is rebuilt from its hosts row on
    // read (plain-record.ts): these columns hold the rest of it, and it gets no host_data row.
    sql: `
ALTER TABLE hosts ADD COLUMN geo_region TEXT;
ALTER TABLE hosts ADD COLUMN geo_city TEXT;
ALTER TABLE hosts ADD COLUMN geo_source TEXT;
ALTER TABLE hosts ADD COLUMN asn_source TEXT;
ALTER TABLE hosts ADD COLUMN evidence_exchange TEXT;
ALTER TABLE hosts ADD COLUMN evidence_confidence TEXT;
`,
  },
  {
    version: 5,
    name: 'plain records counted',
    // Ingested records with no Exchange marker whose source gave their country and ASN can be kept
    // as counts (plain-counts.ts) instead of a hosts row each: rows added per batch, summed on read.
    sql: `
CREATE TABLE plain_counts (
  scan_id BIGINT NOT NULL,
  source TEXT NOT NULL,
  continent TEXT,
  country TEXT NOT NULL,
  asn BIGINT,
  asn_org TEXT,
  n BIGINT NOT NULL
);
CREATE INDEX plain_counts_scan ON plain_counts (scan_id);
`,
  },
  {
    version: 6,
    name: 'observations kept as their source line',
    // An ingested line format keeps the line an observation was read from instead of the
    // observation (ingest/stored-line.ts): NULL = observation is the observation's JSON.
    sql: `
ALTER TABLE host_data ADD COLUMN observation_reader TEXT;
`,
  },
  {
    version: 7,
    name: 'verdicts stored once',
    // A record's classification is kept once per distinct verdict (verdicts.ts); its JSON then
    // leaves the classification's fields out and host_data.verdict_id names the verdict.
    sql: `
CREATE TABLE verdicts (
  id {{id}},
  digest TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL
);
ALTER TABLE host_data ADD COLUMN verdict_id BIGINT;
`,
  },
  {
    version: 8,
    name: 'leases on scans being written',
    // One writer per scan, or per part of a scan ('' = the whole scan; a shard of distributed
    // workers may hold its own): who writes, its last heartbeat, and when the claim lapses (ms).
    sql: `
CREATE TABLE scan_leases (
  scan_id BIGINT NOT NULL,
  part TEXT NOT NULL,
  writer TEXT NOT NULL,
  heartbeat_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (scan_id, part)
);
`,
  },
  {
    version: 9,
    name: 'scan observation window',
    // When the data was observed (records' own timestamps), as opposed to started_at (when it was
    // ingested or probed): scans are ordered, chosen and labelled by it. NULL = not known.
    sql: `
ALTER TABLE scans ADD COLUMN observed_first TEXT;
ALTER TABLE scans ADD COLUMN observed_last TEXT;
`,
  },
  {
    version: 10,
    name: 'shards of distributed scans',
    // A distributed scan (src/queue) is one scan written by many workers: a row per shard or
    // ingest input says who holds it, when it last beat, how far it got and how it ended. The
    // job queue (pg-boss, its own schema) decides who runs what; these rows are what `scans` shows
    // and what a worker fences its writes with (lease). Times are epoch milliseconds of the
    // database's clock, so machines with skewed clocks agree on what is stale.
    sql: `
CREATE TABLE scan_shards (
  scan_id BIGINT NOT NULL,
  shard INTEGER NOT NULL,
  shards INTEGER NOT NULL,
  kind TEXT NOT NULL,
  input TEXT,
  job_id TEXT NOT NULL,
  state TEXT NOT NULL,
  worker TEXT,
  lease TEXT,
  heartbeat_ms BIGINT,
  hosts_done BIGINT NOT NULL DEFAULT 0,
  rate REAL NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  started_ms BIGINT,
  finished_ms BIGINT,
  PRIMARY KEY (scan_id, shard)
);
CREATE INDEX scan_shards_state ON scan_shards (state);
`,
  },
  {
    version: 11,
    name: 'networks by country cube',
    // Networks of a country (the dashboard's drill from a country to its networks) and countries of
    // a network: a mask cube of both with the other census dimensions but the release, read by
    // country. Existing scans get it when their cubes are next built.
    sql: `
CREATE TABLE census_geo_asn_mask (
  scan_id BIGINT NOT NULL,
  continent TEXT,
  country TEXT,
  asn BIGINT,
  asn_org TEXT,
  product TEXT,
  status TEXT NOT NULL,
  eol_date {{ctext}},
  is_exchange SMALLINT NOT NULL,
  suspect SMALLINT NOT NULL,
  vuln_mask BIGINT NOT NULL,
  likely_mask BIGINT NOT NULL,
  n BIGINT NOT NULL
);
CREATE INDEX census_geo_asn_mask_scan ON census_geo_asn_mask (scan_id, country);
UPDATE scans SET summary_version = -1;
`,
  },
  {
    version: 12,
    name: 'front and Windows of each host',
    // The census groups by them (report --by fronted, --by windows): the front's product where a
    // reverse proxy publishes the server ('proxy' when unnamed), the Windows release its NTLM
    // host info names and that release's end of support (judged against the report's date).
    sql: `
ALTER TABLE hosts ADD COLUMN front TEXT;
ALTER TABLE hosts ADD COLUMN windows TEXT;
ALTER TABLE hosts ADD COLUMN windows_eos TEXT;
`,
  },
  {
    version: 13,
    name: 'version of the networks by country cube',
    // A binary from before migration 11 rebuilds the cubes it knows and marks the scan current
    // (summary_version) without writing this cube, leaving it empty or stale. This column is the
    // data version the cube was last built for, written only by binaries that build it; the cube
    // is trusted only when it equals data_version. -1: every scan builds it once more.
    sql: `
ALTER TABLE scans ADD COLUMN geo_asn_version BIGINT NOT NULL DEFAULT -1;
`,
  },
  {
    version: 14,
    name: 'slim record JSON (what the hosts row holds is left out)',
    // A marker, no schema change: full records are stored without the fields their hosts row holds
    // (encoded-host.ts). A binary that does not know this version refuses the store instead of
    // reading such records as ip "undefined" and port NaN.
    sql: `UPDATE scans SET data_version = data_version WHERE id < 0;`,
  },
];

function expand(sql: string, traits: DriverTraits): string {
  // Byte order for addresses and dates, so ORDER BY matches JavaScript string comparison.
  return sql.replaceAll('{{id}}', traits.ddl.idColumn).replaceAll('{{ctext}}', traits.ddl.byteText);
}

/** Applies pending migrations, each in its own transaction. Returns the versions applied. */
export async function migrate(driver: SqlDriver, list: Migration[] = migrations): Promise<number[]> {
  // under the lock too: IF NOT EXISTS does not stop two processes opening a fresh database at once
  await driver.transaction(async () => {
    if (driver.traits.migrationLock) await driver.all(driver.traits.migrationLock);
    await driver.exec(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
    );
  });
  const applied = new Set(
    (await driver.all('SELECT version FROM schema_migrations')).map((r) => Number(r.version)),
  );
  refuseNewer(applied, list);
  const done: number[] = [];
  for (const m of [...list].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    await driver.transaction(async () => {
      // Another process may be migrating the same database: take a lock, then re-check.
      if (driver.traits.migrationLock) await driver.all(driver.traits.migrationLock);
      const again = await driver.all('SELECT version FROM schema_migrations WHERE version = ?', [m.version]);
      if (again.length > 0) return;
      await driver.exec(expand(m.sql, driver.traits));
      await driver.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
      done.push(m.version);
    });
  }
  return done;
}

/**
 * Throws unless every applied version is one of `list`: a store written by a newer excensus
 * is neither read nor written (its data may be in a form this binary would misread).
 */
function refuseNewer(applied: Set<number>, list: Migration[]): void {
  const known = new Set(list.map((m) => m.version));
  const unknown = [...applied].filter((v) => !known.has(v)).sort((a, b) => a - b);
  if (unknown.length === 0) return;
  const highest = Math.max(...known);
  throw new ConfigError(
    'E_STORE_NEWER',
    `this store was written by a newer excensus: it has schema version ${unknown.join(', ')}, ` +
      `this excensus knows versions up to ${highest}. Use the excensus version that wrote it ` +
      `(all workers on one version; no downgrade).`,
  );
}

export function latestSchemaVersion(): number {
  return Math.max(...migrations.map((m) => m.version));
}
