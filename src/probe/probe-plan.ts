// Loads data/probe-plan.yaml: the only requests the scanner may send, and when.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import { dataPath } from '../core/data-dir.js';

const condition = z
  .object({
    header: z.string().min(1).optional(),
    matches: z.string().optional(),
    body: z.string().optional(),
    status: z.array(z.number().int()).optional(),
    stage: z.string().optional(),
  })
  .strict()
  .refine(
    (c) => c.header !== undefined || c.body !== undefined || c.status !== undefined,
    'a condition needs header, body or status',
  )
  .refine((c) => !(c.matches !== undefined && c.header === undefined), '"matches" goes with "header"');

const stage = z
  .object({
    id: z.string().min(1),
    // Non-intrusive by construction: the schema admits no other method.
    method: z.enum(['GET', 'HEAD']),
    path: z.string().regex(/^\/[\x21-\x7e]*$/, 'path must start with / and hold printable ASCII only'),
    follow_redirects: z.boolean().default(false),
    hash_body: z.boolean().default(false),
    /** Sends an anonymous NTLM NEGOTIATE (the only credential-free auth message the scanner knows). */
    auth: z.enum(['ntlm-negotiate']).optional(),
    /** Runs even after an earlier stage's stop_if ended the build search (a fact beside the verdict). */
    after_stop: z.boolean().default(false),
    when_any: z.array(condition).optional(),
    when_all: z.array(condition).optional(),
    unless_any: z.array(condition).optional(),
    stop_if: z.array(condition).default([]),
  })
  .strict();

const planFile = z
  .object({
    version: z.literal(1),
    max_requests: z.number().int().min(1).max(16),
    ports: z
      .object({
        https: z.array(z.number().int()),
        http: z.array(z.number().int()),
        smtp: z.array(z.number().int()),
        smtps: z.array(z.number().int()).default([]),
      })
      .strict(),
    user_agent: z
      .string()
      .min(1)
      .regex(/^[\x20-\x7e]+$/),
    captures: z.record(z.string(), z.object({ body: z.string() }).strict()).default({}),
    stages: z.array(stage).min(1),
    smtp: z
      .object({
        ehlo_name: z.string().regex(/^[a-z0-9.-]+$/i),
        /** Upgrade with STARTTLS when EHLO offers it, to read the certificate and the EHLO after TLS. */
        starttls: z.boolean().default(true),
      })
      .strict(),
  })
  // YAML anchors (shared condition lists) sit at the top level; they are not plan fields.
  .catchall(z.unknown());

export interface Condition {
  header?: string;
  matches?: RegExp;
  body?: RegExp;
  status?: number[];
  stage?: string;
}

export interface PlanStage {
  id: string;
  method: 'GET' | 'HEAD';
  path: string;
  followRedirects: boolean;
  hashBody: boolean;
  auth?: 'ntlm-negotiate';
  afterStop: boolean;
  whenAny?: Condition[];
  whenAll?: Condition[];
  unlessAny?: Condition[];
  stopIf: Condition[];
  /** Capture names the path needs, e.g. ["cu"]. */
  needs: string[];
}

export interface ProbePlan {
  maxRequests: number;
  ports: { https: number[]; http: number[]; smtp: number[]; smtps: number[] };
  userAgent: string;
  captures: Record<string, RegExp>;
  stages: PlanStage[];
  ehloName: string;
  starttls: boolean;
}

function compile(c: z.infer<typeof condition>, where: string): Condition {
  try {
    return {
      ...(c.header !== undefined ? { header: c.header.toLowerCase() } : {}),
      ...(c.matches !== undefined ? { matches: new RegExp(c.matches, 'i') } : {}),
      ...(c.body !== undefined ? { body: new RegExp(c.body, 'i') } : {}),
      ...(c.status !== undefined ? { status: c.status } : {}),
      ...(c.stage !== undefined ? { stage: c.stage } : {}),
    };
  } catch (err) {
    throw new DataError(`probe plan: bad regex in ${where}: ${(err as Error).message}`, { cause: err });
  }
}

export function parseProbePlan(value: unknown, source = 'data/probe-plan.yaml'): ProbePlan {
  const res = planFile.safeParse(value);
  if (!res.success) throw new DataError(`${source}: ${z.prettifyError(res.error)}`);
  const f = res.data;
  const captures: Record<string, RegExp> = {};
  for (const [name, c] of Object.entries(f.captures))
    captures[name] = compile({ body: c.body }, `capture ${name}`).body as RegExp;
  const stages = f.stages.map((s): PlanStage => {
    const needs = [...s.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] as string);
    for (const n of needs)
      if (!captures[n]) throw new DataError(`${source}: stage ${s.id} uses unknown capture {${n}}`);
    return {
      id: s.id,
      method: s.method,
      path: s.path,
      followRedirects: s.follow_redirects,
      hashBody: s.hash_body,
      ...(s.auth ? { auth: s.auth } : {}),
      afterStop: s.after_stop,
      ...(s.when_all ? { whenAll: s.when_all.map((c, i) => compile(c, `${s.id}.when_all[${i}]`)) } : {}),
      ...(s.when_any ? { whenAny: s.when_any.map((c, i) => compile(c, `${s.id}.when_any[${i}]`)) } : {}),
      ...(s.unless_any
        ? { unlessAny: s.unless_any.map((c, i) => compile(c, `${s.id}.unless_any[${i}]`)) }
        : {}),
      stopIf: s.stop_if.map((c, i) => compile(c, `${s.id}.stop_if[${i}]`)),
      needs,
    };
  });
  if (new Set(stages.map((s) => s.id)).size !== stages.length)
    throw new DataError(`${source}: duplicate stage ids`);
  return {
    maxRequests: f.max_requests,
    ports: f.ports,
    userAgent: f.user_agent,
    captures,
    stages,
    ehloName: f.smtp.ehlo_name,
    starttls: f.smtp.starttls,
  };
}

let cached: ProbePlan | undefined;

export function loadProbePlan(): ProbePlan {
  if (!cached) {
    const path = dataPath('probe-plan.yaml');
    cached = parseProbePlan(parse(readFileSync(path, 'utf8')), path);
  }
  return cached;
}
