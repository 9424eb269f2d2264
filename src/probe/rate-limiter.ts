// Spaces out new hosts to at most `perSecond` starts per second (0 = no limit).
import { setTimeout as sleep } from 'node:timers/promises';

export class RateLimiter {
  private next = 0;
  private readonly gapMs: number;

  constructor(perSecond: number) {
    this.gapMs = perSecond > 0 ? 1000 / perSecond : 0;
  }

  /** Resolves when the caller may start one more host, or at once when `signal` aborts. */
  async take(signal?: AbortSignal): Promise<void> {
    if (this.gapMs === 0) return;
    const now = performance.now();
    const slot = Math.max(now, this.next);
    this.next = slot + this.gapMs;
    if (slot > now) await sleep(slot - now, undefined, signal ? { signal } : {}).catch(() => undefined);
  }
}
