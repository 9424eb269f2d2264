// The lab fleet: simulated Exchange servers, look-alikes and hostile servers on loopback only.
import { loadFleetData } from './fleet-data.js';
import { LabServer } from './lab-server.js';
import { DEFAULT_HTTPS_PORT, planFleet } from './plan.js';
import type { GroundTruthHost, Lab, LabOptions } from './types.js';

export type {
  ExpectedVerdict,
  GroundTruthHost,
  Lab,
  LabExposure,
  LabMix,
  LabOptions,
  Precision,
} from './types.js';
export { DEFAULT_BASE, DEFAULT_HTTPS_PORT } from './plan.js';

/** Pure: the same plan startLab would serve, without binding anything. */
export function planLab(opts: LabOptions): GroundTruthHost[] {
  return planFleet(opts).map((p) => p.truth);
}

export async function startLab(opts: LabOptions): Promise<Lab> {
  const data = loadFleetData();
  const plans = planFleet(opts, data); // validates the options (throws a UsageError)
  const httpsPort = opts.httpsPort ?? DEFAULT_HTTPS_PORT;
  const server = new LabServer(data, opts.onError ?? (() => {}));
  await server.start(plans, httpsPort, opts.httpPort, opts.smtpPort, opts.smtpsPort);
  let stopped: Promise<void> | undefined;
  return {
    hosts: plans.map((p) => p.truth),
    stop: () => (stopped ??= server.stop()),
  };
}
