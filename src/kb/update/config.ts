// data/kb-sources.json: where each upstream source lives and how its format names things. The
// parsers and the merge take every Exchange-specific string (URLs, columns, product names) from here.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { dataPath } from '../../core/data-dir.js';
import { DataError } from '../../core/errors.js';

const location = {
  title: z.string(),
  url: z.string().url(),
  /** Names under --from DIR and --mirror URL, tried in order; `{id}` stands for a document id. */
  paths: z.array(z.string().min(1)).min(1),
  max_bytes: z.number().int().positive(),
  accept: z.string().optional(),
};
const pattern = z.string().refine((p) => {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}, 'a regular expression');

export const sourcesConfigSchema = z.strictObject({
  about: z.string(),
  schema_version: z.literal(1),
  user_agent: z.string(),
  timeout_seconds: z.number().positive(),
  sources: z.strictObject({
    builds: z.strictObject({
      ...location,
      columns: z.strictObject({
        name: z.string(),
        build: z.string(),
        date: z.string(),
        kb: z.string(),
        link: z.string(),
      }),
      products: z.record(z.string(), z.string()),
      level: pattern,
      default_level: z.string(),
      tag: pattern,
      base_updates: z.array(z.string()),
      kinds: z.array(z.strictObject({ pattern, kind: z.string() })),
      kb_pattern: pattern,
    }),
    cvrf_index: z.strictObject({
      ...location,
      odata_context_suffix: z.string(),
      fields: z.array(z.string()),
      id_pattern: pattern,
      first_document: z.string(),
    }),
    cvrf: z.strictObject({
      ...location,
      namespaces: z.strictObject({ cvrf: z.string(), prod: z.string(), vuln: z.string() }),
      family_pattern: pattern,
      products: z.record(z.string(), z.string()),
      levels: z.array(z.strictObject({ pattern, level: z.string() })),
      fix_type: z.string(),
    }),
    kev: z.strictObject({
      ...location,
      fields: z.array(z.string()),
      entry_fields: z.array(z.string()),
      vendor: z.string(),
      products: z.array(z.string()),
      ransomware_known: z.string(),
    }),
    lifecycle: z.strictObject({
      ...location,
      release_fields: z.array(z.string()),
      cycles: z.record(z.string(), z.string()),
    }),
    css_builds: z.strictObject({
      ...location,
      dictionary_function: z.string(),
      products: z.record(z.string(), z.string()),
    }),
    css_cves: z.strictObject({
      ...location,
      dictionary_variable: z.string(),
      products: z.record(z.string(), z.string()),
    }),
  }),
});

export type SourcesConfig = z.infer<typeof sourcesConfigSchema>;
export type SourceName = keyof SourcesConfig['sources'];
export type SourceLocation = Pick<
  SourcesConfig['sources']['builds'],
  'title' | 'url' | 'paths' | 'max_bytes' | 'accept'
>;

export function loadSourcesConfig(path = dataPath('kb-sources.json')): SourcesConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new DataError(`cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  const r = sourcesConfigSchema.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new DataError(`${path} is invalid at ${first?.path.join('.') ?? '?'}: ${first?.message ?? ''}`);
  }
  return r.data;
}
