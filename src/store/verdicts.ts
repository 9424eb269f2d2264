// A classification (release, end of support, every CVE's verdict) is the same for every host that
// runs one build on one date, and it was most of a stored record's JSON. The store keeps each
// distinct one once, in `verdicts`, and a record's JSON refers to it by host_data.verdict_id.
import { createHash } from 'node:crypto';
import type { Classification } from '../core/classification.js';
import { classificationToWire } from '../core/wire.js';
import type { SqlDriver } from './driver.js';

type Wire = Record<string, unknown>;

/** Verdict ids by classification, for one writing connection. */
export class VerdictIds {
  /** Judges hand out one shared object per build and date: most lookups end here. */
  private byObject = new WeakMap<Classification, number>();
  private readonly byBody = new Map<string, number>();

  constructor(private readonly db: SqlDriver) {}

  /** The id of a classification, stored if new. Call inside the write transaction. */
  async idOf(c: Classification): Promise<number> {
    const known = this.byObject.get(c);
    if (known !== undefined) return known;
    const body = JSON.stringify(classificationToWire(c));
    let id = this.byBody.get(body);
    if (id === undefined) {
      const digest = createHash('sha256').update(body).digest('hex');
      await this.db.run('INSERT INTO verdicts (digest, body) VALUES (?, ?) ON CONFLICT (digest) DO NOTHING', [
        digest,
        body,
      ]);
      const [row] = await this.db.all('SELECT id FROM verdicts WHERE digest = ?', [digest]);
      if (!row) throw new Error('a stored verdict is missing');
      id = Number(row.id);
      this.byBody.set(body, id);
    }
    this.byObject.set(c, id);
    return id;
  }

  /** After a rolled-back transaction: ids it stored are gone. */
  forget(): void {
    this.byObject = new WeakMap();
    this.byBody.clear();
  }
}

/** Verdicts by id, as their wire fields (read side: merged into each record's JSON). */
export class VerdictCache {
  private readonly byId = new Map<number, Wire>();

  constructor(private readonly db: SqlDriver) {}

  /** Loads the ids not yet known. */
  async load(ids: Iterable<number>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.byId.has(id));
    for (let i = 0; i < missing.length; i += 500) {
      const part = missing.slice(i, i + 500);
      const rows = await this.db.all(
        `SELECT id, body FROM verdicts WHERE id IN (${part.map(() => '?').join(', ')})`,
        part,
      );
      for (const r of rows) this.byId.set(Number(r.id), JSON.parse(String(r.body)) as Wire);
    }
  }

  get(id: number): Wire {
    const w = this.byId.get(id);
    if (!w) throw new Error(`verdict ${id} is missing from the store`);
    return w;
  }
}

/** A stored record's JSON with its verdict's fields put back (records stored before verdicts carry them inline). */
export function withVerdict(wire: Wire, verdictId: unknown, cache: VerdictCache): Wire {
  return verdictId === null || verdictId === undefined
    ? wire
    : Object.assign(wire, cache.get(Number(verdictId)));
}
