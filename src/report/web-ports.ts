// Which ports serve the web, and with which scheme: the probe plan's own port lists
// (data/probe-plan.yaml `ports.https`, `ports.http`), so exported URLs name web services only.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { dataPath } from '../core/data-dir.js';

let cached: Map<number, 'https' | 'http'> | undefined;

function portList(v: unknown): number[] {
  return Array.isArray(v) ? v.filter((p): p is number => Number.isInteger(p)) : [];
}

/** The scheme of a web port; undefined for other ports (SMTP, ...). */
export function webScheme(port: number): 'https' | 'http' | undefined {
  if (!cached) {
    const plan = parse(readFileSync(dataPath('probe-plan.yaml'), 'utf8')) as {
      ports?: Record<string, unknown>;
    };
    cached = new Map();
    for (const p of portList(plan.ports?.http)) cached.set(p, 'http');
    for (const p of portList(plan.ports?.https)) cached.set(p, 'https');
  }
  return cached.get(port);
}
