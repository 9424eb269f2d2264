// The shape of an updated knowledge base's manifest.json (manifest.ts).
import { z } from 'zod';

const sourceEntry = z.strictObject({
  name: z.string(),
  url: z.string(),
  fetched_at: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  /** The newest entry the source held, in words (e.g. a build and its date). */
  newest: z.string().nullable(),
  entries: z.number().int().nonnegative(),
});

export const manifestSchema = z.strictObject({
  schema_version: z.literal(1),
  version: z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.-]*$/),
  /** Newest date among the KB's builds, CVEs and KEV additions. */
  data_date: z.string(),
  created_at: z.string(),
  /** Last time an update read the sources and found this KB current. */
  checked_at: z.string(),
  tool_version: z.string(),
  base_version: z.string(),
  files: z.record(z.string(), z.strictObject({ sha256: z.string(), bytes: z.number().int() })),
  counts: z.strictObject({
    builds: z.number().int(),
    products: z.number().int(),
    cves: z.number().int(),
    kev: z.number().int(),
  }),
  sources: z.array(sourceEntry),
  /** Differences between sources the update reported and accepted. */
  notes: z.array(z.string()),
});

export type KbManifest = z.infer<typeof manifestSchema>;
export type ManifestSource = z.infer<typeof sourceEntry>;
