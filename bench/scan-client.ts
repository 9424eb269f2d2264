// The measured side of bench/scan.ts: runs the CLI's `excensus scan ARGS...` (compiled, as it ships)
// in this process and, once it returns, prints this process's whole CPU time and peak RSS as one
// JSON line on stderr. Nothing else runs here, so the figures are the scanner's own.
// Usage: node scan-client.js scan ARGS...
import { main } from '../src/cli/main.js';

const t0 = performance.now();
const code = await main(process.argv.slice(2));
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage();
const usage = process.resourceUsage();
process.stderr.write(
  `\nBENCH ${JSON.stringify({ code, wallMs, cpuUserMs: cpu.user / 1000, cpuSystemMs: cpu.system / 1000, peakRss: usage.maxRSS * 1024 })}\n`,
);
process.exitCode = code;
