// One-line progress text for a TTY: done/total, rate and ETA.

export function progressLine(done: number, total: number, inFlight: number, elapsedMs: number): string {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const pct = total > 0 ? Math.floor((done * 100) / total) : 100;
  const width = 24;
  const filled = Math.round((pct / 100) * width);
  const etaS = rate > 0 ? Math.ceil((total - done) / rate) : 0;
  const eta =
    etaS >= 3600
      ? `${Math.floor(etaS / 3600)}h${String(Math.floor((etaS % 3600) / 60)).padStart(2, '0')}m`
      : `${Math.floor(etaS / 60)}m${String(etaS % 60).padStart(2, '0')}s`;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${done}/${total} ${rate.toFixed(0)} hosts/s ${inFlight} in flight ETA ${eta}`;
}
