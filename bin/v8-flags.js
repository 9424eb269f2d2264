// V8 flags a command runs with, applied by bin/excensus.js (a re-exec) and by the scan benchmark,
// so the benchmark measures what users run. Why: with 1,000 TLS connections in flight the scan's
// garbage, not its live data (~40 MB), drove peak RSS past 200 MB; a 1 MB young-generation
// semi-space kept it under 200 MB (measured: 190-196 MB, 803-836 hosts/s, 1.285 ms CPU/host).
// ingest: its worker threads keep both cores busy, so V8's helper threads for parallel GC only
// competed with them; GC on the allocating thread itself cut 1M Shodan records from ~10.5 s to
// ~8.6 s of CPU (4.6 s wall).
// serve: a dashboard's peak RSS is mostly the V8 heap grown by the garbage of many concurrent
// requests, not its live data (the host order and census answers it keeps); --optimize-for-size
// grows the heap less eagerly, at some throughput under load. A smaller young generation alone made
// the peak higher (more garbage promoted). Figures: docs/api.md, "Speed".
export const commandV8Flags = {
  scan: ['--max-semi-space-size=1'],
  ingest: ['--single-threaded-gc'],
  serve: ['--optimize-for-size'],
};
