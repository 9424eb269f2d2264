// Answers about a scan kept by its data version: every write to a scan moves its data version on
// (host-writer.ts, resetPlainCounts), so an answer kept for the current version is never stale,
// and a finished scan's census is read from the cubes once, not at every page view.

/** Answers kept at most (weighed by rows: a census by network can hold tens of thousands). */
const WEIGHT = 400_000;

export class VersionedCache<T> {
  private readonly entries = new Map<string, { version: number; value: T; weight: number }>();
  private weight = 0;
  /** Answers being computed: requests that ask meanwhile wait for the same one. */
  private readonly running = new Map<string, Promise<T>>();

  constructor(private readonly weigh: (value: T) => number = () => 1) {}

  get(scanId: number, version: number, key: string): T | undefined {
    const id = `${scanId}\u0000${key}`;
    const e = this.entries.get(id);
    if (!e) return undefined;
    this.entries.delete(id);
    if (e.version !== version) {
      this.weight -= e.weight;
      return undefined;
    }
    this.entries.set(id, e); // most recently used last
    return e.value;
  }

  set(scanId: number, version: number, key: string, value: T): void {
    const id = `${scanId}\u0000${key}`;
    const old = this.entries.get(id);
    if (old) {
      this.weight -= old.weight;
      this.entries.delete(id);
    }
    const weight = this.weigh(value) + 1;
    if (weight > WEIGHT) return;
    this.entries.set(id, { version, value, weight });
    this.weight += weight;
    for (const [k, e] of this.entries) {
      if (this.weight <= WEIGHT) break;
      this.entries.delete(k);
      this.weight -= e.weight;
    }
  }

  /**
   * The kept answer, else the one being computed for the same scan, version and key, else a new
   * one: many clients asking at once for an answer not yet kept share one computation (and its
   * memory) instead of each building it.
   */
  answer(scanId: number, version: number, key: string, compute: () => Promise<T>): Promise<T> {
    const kept = this.get(scanId, version, key);
    if (kept !== undefined) return Promise.resolve(kept);
    const id = `${scanId}\u0000${version}\u0000${key}`;
    let run = this.running.get(id);
    if (!run) {
      run = compute().then((value) => {
        this.set(scanId, version, key, value);
        return value;
      });
      const started = run;
      this.running.set(id, started);
      const done = () => {
        if (this.running.get(id) === started) this.running.delete(id);
      };
      started.then(done, done);
    }
    return run;
  }
}
