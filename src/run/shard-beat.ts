// A held shard's heartbeat and checkpoint: every `everyMs` while it runs, and at once after each
// batch commits (coalesced: one beat in flight at a time), so what the store holds and the
// checkpoint (records stored, the window of their times) stay a few milliseconds apart even if
// the worker is killed right after a commit. A beat that finds the lease gone calls `onLost`.
import type { ObservedWindow } from '../core/time-span.js';
import type { HeldShard, ShardQueue } from '../queue/index.js';

export class ShardBeat {
  /** Records this attempt stored (as of the last commit). */
  stored = 0;
  /** Their times (scans only; null until the first commit). */
  observed: ObservedWindow | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly queue: ShardQueue,
    private readonly held: HeldShard,
    everyMs: number,
    private readonly onLost: () => void,
    private readonly onError: (err: Error) => void,
  ) {
    this.timer = setInterval(() => this.beat(), everyMs);
  }

  /** A batch committed: `stored` records so far, observed within `observed`. */
  committed(stored: number, observed: ObservedWindow | null): void {
    this.stored = stored;
    if (observed) this.observed = observed;
    this.beat();
  }

  private beat(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.queue
      .beat(this.held, this.stored, this.observed)
      .then(
        (ours) => {
          if (!ours) this.onLost();
        },
        (err: unknown) => this.onError(err as Error),
      )
      .finally(() => {
        this.running = null;
        if (this.again) {
          this.again = false;
          this.beat();
        }
      });
  }

  /** No more beats; waits for the one in flight (the attempt's end must come after it). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.stopped = true;
    this.again = false;
    while (this.running) await this.running;
  }
}
