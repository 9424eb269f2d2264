// One writer per scan: the recorder holds the scan's lease (store: acquireLease) while it writes,
// beats its heartbeat, and gives it up at the end. A second writer is refused; a lease whose
// writer stopped beating (killed, frozen) lapses after its time to live and may be taken over.
// A writer on this same host whose process is gone (kill -9) is taken over at once
// (writer-alive.ts says when that is certain).
import { ConfigError } from '../core/errors.js';
import type { LeaseResult, Store } from '../store/index.js';
import { writerIdentity, writerIsGone } from './writer-alive.js';

/** Default time to live of a lease without a heartbeat; heartbeats come four times as often. */
export const DEFAULT_LEASE_TTL_MS = 60_000;

export class ScanLease {
  private timer: NodeJS.Timeout | null = null;
  private beating: Promise<void> | null = null;
  private lost = false;

  private constructor(
    private readonly store: Store,
    private readonly scanId: number,
    private readonly part: string,
    private readonly writer: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes the lease or throws E_SCAN_BUSY naming the writer that holds it. */
  static async take(
    store: Store,
    scan: { id: number; name: string },
    o: { part?: string; ttlMs?: number; writer?: string } = {},
  ): Promise<ScanLease> {
    const ttlMs = o.ttlMs ?? DEFAULT_LEASE_TTL_MS;
    const writer = o.writer ?? writerIdentity();
    const part = o.part ?? '';
    let got: LeaseResult = await store.acquireLease({ scanId: scan.id, part, writer, ttlMs });
    // its writer was killed on this host: take it over unless another writer got it in between
    if (!got.held && writerIsGone(got.writer))
      got = await store.acquireLease({ scanId: scan.id, part, writer, ttlMs, replaces: got.writer });
    if (!got.held) {
      const ago = Math.max(0, Math.round((Date.now() - got.heartbeatAt) / 1000));
      const lapse = Math.max(0, Math.ceil((got.expiresAt - Date.now()) / 1000));
      throw new ConfigError(
        'E_SCAN_BUSY',
        `scan "${scan.name}"${part ? ` (part ${part})` : ''} is being written by ${got.writer} (last heartbeat ${ago} s ago); ` +
          `two writers would count its records twice. Wait for it to finish, or, if that writer is gone, retry in ${lapse} s when its lease lapses`,
      );
    }
    const lease = new ScanLease(store, scan.id, part, writer, ttlMs);
    lease.timer = setInterval(
      () => {
        lease.beating ??= lease.beat().finally(() => (lease.beating = null));
      },
      Math.max(50, Math.floor(ttlMs / 4)),
    );
    lease.timer.unref();
    return lease;
  }

  private async beat(): Promise<void> {
    try {
      const still = await this.store.renewLease({
        scanId: this.scanId,
        part: this.part,
        writer: this.writer,
        ttlMs: this.ttlMs,
      });
      if (!still) this.lost = true;
    } catch {
      // a missed heartbeat: the next one may get through before the lease lapses
    }
  }

  /** Throws when another writer took the lease over (this one stalled past its time to live). */
  check(): void {
    if (this.lost)
      throw new ConfigError(
        'E_LEASE_LOST',
        'another writer took this scan over after this run missed its heartbeats; stopping so no record is counted twice',
      );
  }

  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.beating;
    if (!this.lost)
      await this.store.releaseLease({ scanId: this.scanId, part: this.part, writer: this.writer });
  }
}
