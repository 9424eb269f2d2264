// Evaluates the probe plan's conditions over the responses a host has given so far.
import type { HttpExchange } from '../core/observation.js';
import type { Condition, PlanStage, ProbePlan } from './probe-plan.js';

/** A response with the plan stage that asked for it. */
export interface StagedExchange {
  stage: string;
  exchange: HttpExchange;
}

function holdsOn(c: Condition, x: HttpExchange): boolean {
  if (c.status && !c.status.includes(x.status)) return false;
  if (c.header !== undefined) {
    let found = false;
    for (const [name, value] of x.headers) {
      if (
        name.length === c.header.length &&
        name.toLowerCase() === c.header &&
        (!c.matches || c.matches.test(value))
      ) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  if (c.body && !(x.body !== undefined && c.body.test(x.body))) return false;
  return true;
}

export function holds(c: Condition, seen: readonly StagedExchange[]): boolean {
  for (const s of seen)
    if ((c.stage === undefined || c.stage === s.stage) && holdsOn(c, s.exchange)) return true;
  return false;
}

export function anyHolds(cs: readonly Condition[], seen: readonly StagedExchange[]): boolean {
  return cs.some((c) => holds(c, seen));
}

/** Fills `{name}` in a stage path from the plan's captures; null when a capture is missing. */
export function resolvePath(
  stage: PlanStage,
  plan: ProbePlan,
  seen: readonly StagedExchange[],
): string | null {
  let path = stage.path;
  for (const name of stage.needs) {
    const re = plan.captures[name] as RegExp;
    let value: string | undefined;
    for (const s of seen) {
      const m = s.exchange.body !== undefined ? re.exec(s.exchange.body) : null;
      if (m?.[1]) {
        value = m[1];
        break;
      }
    }
    // Captured text goes into a request path: only path-safe characters, never a traversal.
    if (value === undefined || !/^[A-Za-z0-9._-]+$/.test(value) || value.includes('..')) return null;
    path = path.replace(`{${name}}`, value);
  }
  return path;
}
