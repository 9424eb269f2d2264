// V8 flags a command runs with, applied by bin/excensus.js (a re-exec) and by the scan benchmark,
// so the benchmark measures what users run. Why: with 1,000 TLS connections in flight the scan's
// garbage, not its live data (~40 MB), drove peak RSS past 200 MB; a 1 MB young-generation
// semi-space kept it under 200 MB (measured: 190-196 MB, 803-836 hosts/s, 1.285 ms CPU/host).
// ingest: its worker threads keep both cores busy, so V8's helper threads for parallel GC only
// competed with them; GC on the allocating thread itself cut 1M Shodan records from ~10.5 s to
// ~8.6 s of CPU (4.6 s wall). It does not pay on small files: on 8 and 16 MB of Exchange records
// it saved nothing measurable, while re-running node costs every ingest ~0.1 s of CPU and wall
// (docs/ingest-exchange-heavy.md, "Start-up"). So ingest runs with it only when its input may be
// large (flagsAbove below).
// serve: a dashboard's peak RSS is mostly the V8 heap grown by the garbage of many concurrent
// requests, not its live data (the host order and census answers it keeps); --optimize-for-size
// grows the heap less eagerly, at some throughput under load. A smaller young generation alone made
// the peak higher (more garbage promoted). Figures: docs/api.md, "Speed".
export const commandV8Flags = {
  scan: ['--max-semi-space-size=1'],
  ingest: ['--single-threaded-gc'],
  serve: ['--optimize-for-size'],
};

// Commands that run with their flags only when their input may be this large (bytes): the files
// named as the command's arguments together (not the values of its options, valueOptions below),
// when every one of them is a regular file that is not gzip-compressed and none is "-" (stdin). Anything else (a pipe, a directory, no file named)
// may be large, and gets the flags.
export const flagsAbove = {
  ingest: 32 * 1024 * 1024,
};

// The options of a command above that take a value (their own argument, unless written
// `--opt=value` or `-oVALUE`): the launcher skips those values when it sizes the input (an output
// file or a store is not input). Ingest's option table (src/cli/commands/ingest.ts) plus the
// global --kb (src/cli/main.ts); test/safety/launcher-input-size.test.ts keeps them in step.
export const valueOptions = {
  ingest: [
    '--format',
    '-f',
    '--output',
    '-o',
    '--as-of',
    '--workers',
    '--observed-at',
    '--db',
    '--name',
    '--series',
    '--resume-scan',
    '--geo-country-db',
    '--geo-asn-db',
    '--kb',
  ],
};
