// Shapes of the hand-kept data/*.annotations.json files (inputs of scripts/update-kb.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const buildNote = z.strictObject({
  note: z.string().optional(),
  also_reported_as: z.array(z.string()).optional(),
});
export const buildAnnotationsSchema = z.strictObject({
  about: z.string(),
  rows: z.record(z.string(), buildNote),
});

const productNote = z.strictObject({
  policy: z.enum(['fixed', 'modern', 'retired']).optional(),
  on_premises: z.boolean().optional(),
  extended_end: z.string().optional(),
  extended_end_approximate: z.boolean().optional(),
  version_range: z.strictObject({ major: z.number().int(), minor_from: z.number().int() }).optional(),
  note: z.string().optional(),
});
export const lifecycleAnnotationsSchema = z.strictObject({
  about: z.string(),
  products: z.record(z.string(), productNote),
});

export const familySchema = z.strictObject({
  key: z.string().regex(/^[A-Za-z][A-Za-z0-9]*$/),
  title: z.string(),
});
export const configOnlySchema = z.strictObject({
  line: z.string().regex(/^\d+\.\d+\.\d+$/),
  note: z.string(),
});
const cveNote = z.strictObject({
  family: z.string(),
  products: z.array(z.string()).min(1),
  unlisted_fixes: z.record(z.string(), z.string()).optional(),
  config_only: z.array(configOnlySchema).optional(),
  note: z.string().optional(),
});
export const cveAnnotationsSchema = z.strictObject({
  about: z.string(),
  families: z.array(familySchema),
  /** Family of a CVE that a source added and nobody has annotated yet. */
  default_family: z.string().optional(),
  cves: z.record(z.string(), cveNote),
});

export type BuildAnnotations = z.infer<typeof buildAnnotationsSchema>;
export type LifecycleAnnotations = z.infer<typeof lifecycleAnnotationsSchema>;
export type CveAnnotations = z.infer<typeof cveAnnotationsSchema>;

export interface Annotations {
  buildNotes: BuildAnnotations;
  lifecycleNotes: LifecycleAnnotations;
  cveNotes: CveAnnotations;
}

/** The three hand-kept files of a data directory, validated. */
export function readAnnotations(dir: string): Annotations {
  const read = (name: string): unknown => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  return {
    buildNotes: buildAnnotationsSchema.parse(read('builds.annotations.json')),
    lifecycleNotes: lifecycleAnnotationsSchema.parse(read('lifecycle.annotations.json')),
    cveNotes: cveAnnotationsSchema.parse(read('cves.annotations.json')),
  };
}
