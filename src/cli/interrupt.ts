// Stopping a long command cleanly. SIGINT (Ctrl-C), SIGTERM and SIGHUP ask the use case to stop:
// it finishes what is in flight, stores it and marks the scan interrupted; the command then exits
// 128 + the signal's number. When bin/excensus.js re-runs node for a command's V8 flags, the child
// turns the loss of its launcher (kill -9 of the process the user started) into a SIGHUP, so no
// orphan goes on probing. kill -9 of the process that writes (a small ingest runs in the launcher
// itself) cannot be caught: the scan stays `running`, and a resume on this host takes its lease
// over at once because that process is gone (run/writer-alive.ts).
import { constants } from 'node:os';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
type StopSignal = (typeof SIGNALS)[number];

/**
 * Ctrl-C reaches every process of the terminal's group, and the launcher passes it on as well:
 * the same key press arrives twice. A repeat this soon after the first is that echo, not a
 * second request; a later one stops at once.
 */
const ECHO_MS = 1000;

export interface Interrupts {
  /** Aborted at the first signal. */
  signal: AbortSignal;
  /** 128 + the number of the signal that stopped the command, or null. */
  exitCode(): number | null;
  dispose(): void;
}

export function watchInterrupts(
  onHardStop: (code: number) => void = (code) => process.exit(code),
): Interrupts {
  const ac = new AbortController();
  let first: { sig: StopSignal; at: number } | null = null;
  const code = (sig: StopSignal) => 128 + (constants.signals[sig] ?? 0);
  const handler = (sig: StopSignal) => {
    if (first === null) {
      first = { sig, at: Date.now() };
      ac.abort();
    } else if (Date.now() - first.at > ECHO_MS) onHardStop(code(sig));
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    signal: ac.signal,
    exitCode: () => (first ? code(first.sig) : null),
    dispose: () => {
      for (const s of SIGNALS) process.removeListener(s, handler);
    },
  };
}
