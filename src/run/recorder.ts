// Where judged records go when a use case writes into the store: batches, geo enrichment, scan
// bookkeeping and resume. Shared by scanIntoStore and ingestIntoStore so the two behave alike.
import type { GeoLookup, GeoResolver } from '../geo/index.js';
import { completeFromSource, continentOf, withContinent } from '../geo/index.js';
import type {
  HostBatch,
  PlainCount,
  ScanInfo,
  ScanMeta,
  Store,
  StoredHost,
  EncodedHost,
  ObservedWindow,
  RefusedRecord,
} from '../store/store.js';
import { isEncoded } from '../store/encoded-host.js';
import { isPlainRecord } from '../store/plain-record.js';
import { ConfigError } from '../core/errors.js';
import { spanWindow, type TimeSpan } from '../core/time-span.js';
import { ScanLease } from './lease.js';

export interface RecorderOptions {
  store: Store | null;
  meta: ScanMeta;
  geo: GeoResolver | null;
  /** Geo the caller knows better than any database (the lab's ground truth), by ip. */
  geoOverrides?: Map<string, GeoLookup>;
  /** The user chose the name: a clash is their error, not something to work around. */
  nameGiven?: boolean;
  /** Continue this scan instead of creating one. */
  resume?: ScanInfo;
  /** A lease lapses this long after its writer's last heartbeat (default: DEFAULT_LEASE_TTL_MS). */
  leaseTtlMs?: number;
  /** One part of a distributed scan: its shard row in src/queue is the lease, so none is taken here. */
  shardOfQueue?: boolean;
  /**
   * Runs once the scan's lease is held, before anything is written: checks that refuse a resume
   * (different inputs) belong here, after the check that no other writer is at work.
   */
  beforeWrite?: (scanId: number) => Promise<void>;
  /** Records per store transaction (default 5000): fewer commits, and a killed run loses at most one batch. */
  batchSize?: number;
  /**
   * Also hands records to the store when this long passed since the last batch (default: never), so
   * a slow scan killed after some seconds loses only its last seconds, not a whole batch.
   */
  flushEveryMs?: number;
  /**
   * Keep plain records (no Exchange marker at all; country and ASN given by the source) as counts by
   * country and network rather than a row each (see Store PlainCount). Ingest sets it by default.
   */
  countPlain?: boolean;
  /**
   * Told the number of records stored so far after each batch commits (a distributed shard's
   * checkpoint), and the observed window of those records when `span` is given.
   */
  onCommit?: (written: number, observed: ObservedWindow | null) => void;
  /**
   * The caller's running span of the records' times, widened before each add(): taken when a batch
   * is handed to the store, it is the window of every record stored once that batch commits.
   */
  span?: TimeSpan;
  /** A record the store refused (the rest of its batch was stored), with where it was read when add() was told. */
  onRefused?: (r: RefusedAt) => void;
}

/** Where add()'s records were read: the line of each (after `base`), in the order given. */
export interface RecordLines {
  file: string;
  base: number;
  lines: readonly number[];
}

export interface RefusedAt extends RefusedRecord {
  /** The input it was read from (for a row of counted records: the last input of its batch). */
  file?: string;
  /** Its line in that input (not for counted records). */
  line?: number;
}

const MAX_PENDING_OBSERVATIONS = 500;

export class Recorder {
  /** Records not yet handed to the store, encoded as they came (null until the first, or without a store). */
  private pending: HostBatch | null = null;
  /** Where the pending batch's records were read, by their place in it (when add() was told). */
  private pendingFrom: Origins = newOrigins();
  /** The batch the store is committing, if any. */
  private inFlight: Promise<void> | null = null;
  /** The last send() called: sends run one after another (add, flush and the timer all send). */
  private sending: Promise<void> | null = null;
  private lastSend = Date.now();
  private timer: NodeJS.Timeout | null = null;
  /** A send the timer started failed: the next add() or flush() throws it. */
  private timerError: unknown = null;
  readonly scanId: number | null;
  written = 0;

  private constructor(
    private readonly o: RecorderOptions,
    scanId: number | null,
    private readonly lease: ScanLease | null,
  ) {
    this.scanId = scanId;
    const every = o.flushEveryMs;
    if (o.store && every !== undefined && every > 0) {
      this.timer = setInterval(
        () => {
          if (this.sending || !this.pending || Date.now() - this.lastSend < every) return;
          this.send().catch((err: unknown) => (this.timerError ??= err));
        },
        Math.max(10, Math.floor(every / 4)),
      );
      this.timer.unref();
    }
  }

  /** Opens the scan to write: a new one, or the one resumed once no other writer holds it (E_SCAN_BUSY). */
  static async open(o: RecorderOptions): Promise<Recorder> {
    if (!o.store) return new Recorder(o, null, null);
    const ttl = o.leaseTtlMs !== undefined ? { ttlMs: o.leaseTtlMs } : {};
    if (o.resume && o.shardOfQueue) return new Recorder(o, o.resume.id, null);
    if (o.resume) {
      const lease = await ScanLease.take(o.store, o.resume, ttl);
      try {
        await o.beforeWrite?.(o.resume.id);
        // a resumed ingest reads its inputs from the start again: its counts start again too
        if (o.countPlain) await o.store.resetPlainCounts(o.resume.id);
      } catch (err) {
        await lease.release();
        throw err;
      }
      return new Recorder(o, o.resume.id, lease);
    }
    const id = await createUniquelyNamed(o.store, o.meta, o.nameGiven ?? false);
    const lease = await ScanLease.take(o.store, { id, name: o.meta.name }, ttl);
    return new Recorder(o, id, lease);
  }

  /** "ip:port" keys already stored for the scan being resumed. */
  async doneTargets(): Promise<Set<string>> {
    if (!this.o.store || this.scanId === null || !this.o.resume) return new Set();
    return this.o.store.doneTargets(this.scanId);
  }

  /**
   * Adds geo/ASN where the record lacks it; the source's own geo always wins. A host the store
   * already encoded (an ingest worker thread did: encodeHost) is left as it is: only records whose
   * source gave geo and network, with the continent derived, are encoded there.
   */
  enrich<H extends StoredHost | EncodedHost>(h: H): H {
    if (isEncoded(h)) return h;
    const r = h.record;
    // The source carried both (most Shodan records): nothing to look up, nothing to override.
    if (completeFromSource(r)) return h;
    const known = this.o.geoOverrides?.get(r.ip);
    const current: GeoLookup = { ...(r.geo ? { geo: r.geo } : {}), ...(r.asn ? { asn: r.asn } : {}) };
    const filled = known
      ? { geo: current.geo ?? known.geo, asn: current.asn ?? known.asn }
      : this.o.geo
        ? this.o.geo.fill(r.ip, current)
        : current;
    // without a resolver (--no-geo), a source's country still gets its continent, as above
    if (filled.geo) r.geo = withContinent(filled.geo);
    if (filled.asn) r.asn = filled.asn;
    return h;
  }

  /** --no-store: records a worker thread finished (enriched as enrich would) and the caller took as text. */
  addWritten(n: number): void {
    if (this.o.store) throw new Error('Recorder.addWritten: records for a store must be added');
    this.written += n;
  }

  /**
   * `plain`: records the reader counted itself (ingestFiles' tallyPlain), by country and network;
   * `from`: where `hosts` were read (a record the store refuses is then named by its line).
   */
  async add(
    hosts: Array<StoredHost | EncodedHost>,
    plain?: readonly PlainCount[],
    from?: RecordLines,
  ): Promise<void> {
    if (this.timerError) throw this.timerError;
    if (!this.o.store) {
      // --no-store: enrich only; holding records (and their observations) for a write that never comes costs memory.
      for (const h of hosts) this.enrich(h);
      this.written += hosts.length;
      for (const c of plain ?? []) this.written += c.n;
      return;
    }
    const batch = (this.pending ??= this.o.store.newBatch());
    for (const c of plain ?? []) batch.addPlain(c);
    const at = this.pendingFrom;
    for (let i = 0; i < hosts.length; i++) {
      const h = hosts[i]!;
      if (this.o.countPlain && !isEncoded(h) && countable(h)) {
        // counted, not stored: its continent is still derived, for the caller that prints it
        const r = this.enrich(h).record;
        batch.addPlain(plainCount(r.geo!.country!, r.asn!.number, r.asn!.org ?? '', r.source, 1));
        continue;
      }
      batch.add(this.enrich(h));
      if (from) {
        at.files[batch.size - 1] = from.file;
        at.lines[batch.size - 1] = from.base + (from.lines[i] ?? 0);
      }
    }
    if (from) at.last = from.file;
    // Large batches make plain records cheap to write; observations (kilobytes each, against ~100
    // bytes for a plain record) bound the batch's memory instead.
    if (batch.size >= (this.o.batchSize ?? 5000) || batch.observations >= MAX_PENDING_OBSERVATIONS)
      await this.send();
  }

  /**
   * Hands the pending batch to the store once the previous one is committed, without waiting for
   * its own commit: records keep coming while the store writes (on its writer thread, for SQLite).
   * A killed run loses the open batch and at most one batch being committed.
   */
  private send(): Promise<void> {
    const run = (this.sending ?? Promise.resolve()).then(() => this.sendNow());
    const tracked: Promise<void> = run.finally(() => {
      if (this.sending === tracked) this.sending = null;
    });
    this.sending = tracked;
    return tracked;
  }

  private async sendNow(): Promise<void> {
    await this.settle();
    this.lease?.check();
    this.lastSend = Date.now();
    const batch = this.pending;
    if (!batch || (batch.size === 0 && batch.counted === 0)) return;
    this.pending = null;
    const observed = this.o.span ? spanWindow(this.o.span) : null;
    const from = this.pendingFrom;
    this.pendingFrom = newOrigins();
    // a batch exists only with a store and its scan (add() without a store keeps none)
    const committed = this.o.store!.addBatch(this.scanId!, batch).then((refused) => {
      let lost = 0;
      for (const r of refused) {
        lost += r.records;
        const file = r.at === null ? from.last : from.files[r.at];
        const line = r.at === null ? undefined : from.lines[r.at];
        this.o.onRefused?.({
          ...r,
          ...(file !== undefined ? { file } : {}),
          ...(line !== undefined ? { line } : {}),
        });
      }
      this.written += batch.size + batch.counted - lost;
      this.o.onCommit?.(this.written, observed);
    });
    committed.catch(() => undefined); // surfaces from settle()
    this.inFlight = committed;
  }

  /** Waits for the batch being committed; throws its error. */
  private async settle(): Promise<void> {
    const p = this.inFlight;
    this.inFlight = null;
    if (p) await p;
  }

  /** Stores everything added so far and waits for the commit. */
  async flush(): Promise<void> {
    if (this.timerError) throw this.timerError;
    await this.send();
    await this.settle();
  }

  /** `observed`: when the scan's data was observed (undefined: leave it as it is). */
  async finish(state: 'complete' | 'interrupted', observed?: ObservedWindow | null): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    try {
      await this.flush();
      if (!this.o.store || this.scanId === null) return;
      if (observed !== undefined) await this.o.store.setObservedWindow(this.scanId, observed);
      await this.o.store.finishScan(this.scanId, state);
    } finally {
      await this.lease?.release();
    }
  }

  /**
   * Deletes the scan this run created when it holds no record (a failed or empty run), so that no
   * empty scan is left for report, notify or diff. A resumed scan is kept. True if deleted.
   */
  async dropIfEmpty(): Promise<boolean> {
    if (!this.o.store || this.scanId === null || this.o.resume) return false;
    await this.settle().catch(() => undefined);
    return this.o.store.dropEmptyScan(this.scanId);
  }
}

/** Where a batch's records were read, by their place in it; `last`: the input read last. */
interface Origins {
  files: string[];
  lines: number[];
  last?: string;
}
const newOrigins = (): Origins => ({ files: [], lines: [] });

/**
 * A record kept as a count: no Exchange marker, no classification, and the country and ASN its
 * source gave (nothing to look up). The reader's own counts (tallyPlain) follow the same rule.
 */
function countable(h: StoredHost): boolean {
  const r = h.record;
  return (
    h.observation === undefined &&
    r.status === 'not-exchange' &&
    isPlainRecord(r) &&
    r.geo?.source === 'source' &&
    Boolean(r.geo.country) &&
    r.asn?.source === 'source'
  );
}

function plainCount(country: string, asn: number, org: string, source: string, n: number): PlainCount {
  return {
    source,
    country,
    continent: continentOf(country) ?? null,
    asn: asn >= 0 ? asn : null,
    asnOrg: org || null,
    n,
  };
}

/** Default names carry the time; two runs in one second get "-2", "-3"... rather than an error. */
async function createUniquelyNamed(store: Store, meta: ScanMeta, nameGiven: boolean): Promise<number> {
  if (nameGiven) return store.createScan(meta);
  for (let n = 1; ; n++) {
    const name = n === 1 ? meta.name : `${meta.name}-${n}`;
    if (!(await store.getScan(name))) return store.createScan({ ...meta, name });
  }
}

/** The scan --resume continues: a named one, or the newest unfinished one of this kind and series. */
export async function findResumable(
  store: Store,
  ref: string,
  kind: ScanMeta['kind'],
  series: string,
): Promise<ScanInfo> {
  if (ref !== 'last') {
    const s = await store.getScan(ref);
    if (!s) throw new ConfigError('E_RESUME', `no scan "${ref}" in the store to resume`);
    if (isDistributed(s))
      throw new ConfigError(
        'E_RESUME',
        `scan "${s.name}" is distributed: its shards are resumed by \`excensus worker\`, not by --resume-scan`,
      );
    return s;
  }
  const candidates = (await store.listScans()).filter(
    (s) => s.kind === kind && s.series === series && s.state !== 'complete' && !isDistributed(s),
  );
  const last = candidates.sort((a, b) => b.id - a.id)[0];
  if (!last) throw new ConfigError('E_RESUME', `no unfinished ${kind} of series "${series}" to resume`);
  return last;
}

/** A scan enqueued for workers (scan/ingest --queue): many writers, coordinated by its shard rows. */
export function isDistributed(s: ScanInfo): boolean {
  return typeof s.options.distributed === 'object' && s.options.distributed !== null;
}

export function defaultScanName(kind: string, source: string, startedAt: string): string {
  return `${kind}-${source}-${startedAt.replace(/\.\d+Z$/, 'Z')}`;
}
