// Schemas of the generated data files (data/builds.json, lifecycle.json, cves.json).
// Validated once at load; code inside trusts the types.
import { z } from 'zod';
import { configOnlySchema, familySchema } from './annotations.js';

const buildText = z.string().regex(/^\d+\.\d+\.\d+(\.\d+)?$/, 'a 3- or 4-part build');
/** YYYY-MM-DD, or YYYY-MM where the source gives only a month. */
export const dateText = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/, 'a date YYYY-MM-DD or YYYY-MM');

const header = { generated_by: z.string(), about: z.string(), source: z.string() };

export const buildRowSchema = z.strictObject({
  product: z.string().min(1),
  release: z.string().min(1),
  build: buildText,
  build_short: z.string().regex(/^\d+\.\d+\.\d+$/),
  date: dateText,
  kind: z.enum(['RTM', 'SP', 'RU', 'CU', 'SU', 'HU', 'Preview', 'post-SP']),
  note: z.string().optional(),
  also_reported_as: z.array(buildText).optional(),
});
export const buildsFileSchema = z.strictObject({ ...header, builds: z.array(buildRowSchema).min(1) });

export const productSchema = z.strictObject({
  product: z.string().min(1),
  release_date: dateText.nullable(),
  mainstream_end: dateText.nullable(),
  extended_end: dateText.nullable(),
  policy: z.enum(['fixed', 'modern', 'retired']),
  on_premises: z.boolean(),
  extended_end_approximate: z.boolean().optional(),
  version_range: z.strictObject({ major: z.number().int(), minor_from: z.number().int() }).optional(),
  note: z.string().optional(),
});
export const lifecycleFileSchema = z.strictObject({ ...header, products: z.array(productSchema).min(1) });

export const cveSchema = z.strictObject({
  cve: z.string().regex(/^CVE-\d{4}-\d{4,}$/),
  family: z.string(),
  cvss: z.number().min(0).max(10),
  severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
  published: dateText,
  kev: z.boolean(),
  kev_date_added: dateText.nullable(),
  kev_ransomware: z.boolean().optional(),
  products: z.array(z.string()).min(1),
  fixed_in: z.array(
    z.strictObject({ build: buildText, in_table: z.boolean(), explanation: z.string().optional() }),
  ),
  config_only: z.array(configOnlySchema).optional(),
  note: z.string().optional(),
});
export const cvesFileSchema = z.strictObject({
  ...header,
  families: z.array(familySchema).min(1),
  cves: z.array(cveSchema).min(1),
});

/** A knowledge base's data files, each with the schema it is loaded by. */
export const KB_FILE_SCHEMAS: ReadonlyArray<[string, z.ZodType]> = [
  ['builds.json', buildsFileSchema],
  ['lifecycle.json', lifecycleFileSchema],
  ['cves.json', cvesFileSchema],
];
