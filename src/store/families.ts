// CVE families are stored as bits of two masks per host (vulnerable, likely), so the census
// counts every family in one pass. The families table assigns bits in first-seen order.
import { ConfigError } from '../core/errors.js';
import type { SqlDriver } from './driver.js';

/** Bits 0..52: masks stay exact as JavaScript numbers. */
export const MAX_FAMILIES = 53;

export class FamilyBits {
  private byName = new Map<string, number>();
  private byBit = new Map<number, string>();

  constructor(private readonly driver: SqlDriver) {}

  async reload(): Promise<void> {
    const rows = await this.driver.all('SELECT bit, name FROM families ORDER BY bit');
    // Swapped in whole after the await: concurrent callers never see half-filled maps.
    this.byName = new Map(rows.map((r) => [String(r.name), Number(r.bit)]));
    this.byBit = new Map(rows.map((r) => [Number(r.bit), String(r.name)]));
  }

  /** Set by invalidate(): the next bitFor reads the bits again first. */
  private stale = false;

  /**
   * After a rolled-back write that may have assigned bits: the next bitFor reads them again. The maps
   * stay as they are meanwhile (a census in progress on the same store keeps using them; a bit whose
   * assignment was rolled back marks no stored host).
   */
  invalidate(): void {
    this.stale = true;
  }

  /** Bit for a family, assigning one if new. Call inside the write transaction. */
  async bitFor(name: string): Promise<number> {
    if (this.stale) {
      await this.reload();
      this.stale = false;
    }
    const known = this.byName.get(name);
    if (known !== undefined) return known;
    await this.reload(); // another writer may have added it
    const again = this.byName.get(name);
    if (again !== undefined) return again;
    const next = this.byBit.size === 0 ? 0 : Math.max(...this.byBit.keys()) + 1;
    if (next >= MAX_FAMILIES)
      throw new ConfigError(
        'E_STORE_FAMILIES',
        `more than ${MAX_FAMILIES} CVE families; the store's family masks are full`,
      );
    await this.driver.run('INSERT INTO families (bit, name) VALUES (?, ?) ON CONFLICT DO NOTHING', [
      next,
      name,
    ]);
    await this.reload();
    const bit = this.byName.get(name);
    if (bit === undefined) throw new Error(`could not assign a bit to CVE family "${name}"`);
    return bit;
  }

  /** Mask of the named families that the store knows (unknown names match nothing). */
  maskOf(names: string[]): number {
    let m = 0;
    for (const name of names) {
      const b = this.byName.get(name);
      if (b !== undefined) m += 2 ** b;
    }
    return m;
  }

  namesOf(mask: number): string[] {
    const out: string[] = [];
    for (let b = 0; mask > 0 && b < MAX_FAMILIES; b++) {
      const bit = 2 ** b;
      if (Math.floor(mask / bit) % 2 === 1) {
        const name = this.byBit.get(b);
        if (name !== undefined) out.push(name);
        mask -= bit;
      }
    }
    return out;
  }

  /** [bit, name] pairs in bit order. */
  bits(): Array<[number, string]> {
    return [...this.byBit.entries()].sort((a, b) => a[0] - b[0]);
  }

  all(): string[] {
    return this.bits().map(([, name]) => name);
  }
}
