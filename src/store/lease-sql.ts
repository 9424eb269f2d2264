// Leases on scans being written (store migration 8): one writer per scan or part of a scan.
import type { SqlDriver } from './driver.js';
import type { LeaseClaim, LeaseResult } from './store.js';

export async function acquireLease(db: SqlDriver, c: LeaseClaim): Promise<LeaseResult> {
  const now = c.now ?? Date.now();
  const part = c.part ?? '';
  // one statement, so two writers racing for a free lease cannot both win
  const { changes } = await db.run(
    `INSERT INTO scan_leases (scan_id, part, writer, heartbeat_at, expires_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (scan_id, part) DO UPDATE SET writer = excluded.writer, heartbeat_at = excluded.heartbeat_at,
       expires_at = excluded.expires_at
     WHERE scan_leases.expires_at < ? OR scan_leases.writer = excluded.writer OR scan_leases.writer = ?`,
    [c.scanId, part, c.writer, now, now + c.ttlMs, now, c.replaces ?? null],
  );
  if (changes > 0) return { held: true };
  const r = (
    await db.all('SELECT writer, heartbeat_at, expires_at FROM scan_leases WHERE scan_id = ? AND part = ?', [
      c.scanId,
      part,
    ])
  )[0];
  // released in between: try once more
  if (!r) return acquireLease(db, c);
  return {
    held: false,
    writer: String(r.writer),
    heartbeatAt: Number(r.heartbeat_at),
    expiresAt: Number(r.expires_at),
  };
}

export async function renewLease(db: SqlDriver, c: LeaseClaim): Promise<boolean> {
  const now = c.now ?? Date.now();
  const { changes } = await db.run(
    'UPDATE scan_leases SET heartbeat_at = ?, expires_at = ? WHERE scan_id = ? AND part = ? AND writer = ?',
    [now, now + c.ttlMs, c.scanId, c.part ?? '', c.writer],
  );
  return changes > 0;
}

export async function releaseLease(
  db: SqlDriver,
  c: Pick<LeaseClaim, 'scanId' | 'part' | 'writer'>,
): Promise<void> {
  await db.run('DELETE FROM scan_leases WHERE scan_id = ? AND part = ? AND writer = ?', [
    c.scanId,
    c.part ?? '',
    c.writer,
  ]);
}
