// Schema of the fingerprint rule files under data/fingerprints. Rules are data: this file
// only says what shape they take, so a typo in a rule file fails loudly at load time.
import { z } from 'zod';
import { BANNER_KINDS, FAVICON_KINDS, REPORTED_FIELDS } from './parts.js';

/** Named parts of an Observation a rule can read. */
export const RULE_PARTS = [
  'header', // response header values, by normalised name (lower case, "_" -> "-")
  'location', // the Location header of each response
  'body', // response body (or its head)
  'path', // request path of each exchange
  'status', // HTTP status code as text
  'tls', // certificate subject CN and DNS names
  'banner', // mail banners: smtp, ehlo, imap, pop
  'favicon', // favicon hashes: mmh3 (Shodan style), md5
  'reported', // claims of the data source: build, product, servername
  'build', // builds extracted by positive rules (for build-shaped tells)
] as const;
export type RulePart = (typeof RULE_PARTS)[number];

const group = z.number().int().min(0).max(9);

export const matcherSchema = z
  .object({
    regex: z.string().min(1).optional(),
    words: z.array(z.string().min(1)).min(1).optional(),
    equals: z.string().min(1).optional(),
    /** Fires when none of the named parts is present (only where the source captured any headers). */
    absent: z.literal(true).optional(),
    /** Fires when the part is present but the matcher does not match it. */
    negate: z.boolean().optional(),
    caseSensitive: z.boolean().optional(),
  })
  .strict()
  .refine((m) => [m.regex, m.words, m.equals, m.absent].filter((x) => x !== undefined).length === 1, {
    message: 'a matcher needs exactly one of regex, words, equals, absent',
  });

export const extractSchema = z
  .object({
    /** Capture group holding a build number (normalised: no zero padding). */
    build: group.optional(),
    /** Precision of that build; defaults to the number of parts (4 -> full, 3 -> cu). */
    precision: z.enum(['full', 'cu']).optional(),
    /** The revision is a lower bound (the source may not move with security updates). */
    revisionIsLowerBound: z.boolean().optional(),
    /** Capture group holding a leaked internal server name. */
    serverName: group.optional(),
    /** Capture group shown as the signal's value (defaults to the build or the whole match). */
    value: group.optional(),
  })
  .strict();

const expectSchema = z
  .object({
    build: z.string().optional(),
    precision: z.enum(['full', 'cu']).optional(),
    serverName: z.string().optional(),
    value: z.string().optional(),
    revisionIsLowerBound: z.boolean().optional(),
  })
  .strict();

export const exampleSchema = z
  .object({
    /** Text of the part (header value, body excerpt, banner line, hash...). */
    input: z.string(),
    /** Which named part the input belongs to, spelled as the source spells it (e.g. "x_request_id"). */
    name: z.string().optional(),
    status: z.number().int().optional(),
    expect: expectSchema.optional(),
    /** Where the example comes from: artifact file, notes section, or "constructed: why". */
    source: z.string().min(3),
  })
  .strict();

export const ruleSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
    description: z.string().min(3),
    reads: z.enum(RULE_PARTS),
    /** Header names, banner kinds, favicon kinds or reported fields; required for those parts. */
    names: z.array(z.string().min(1)).min(1).optional(),
    /** Body rules: read only the first N characters (markers that sit in a page's head). */
    within: z.number().int().min(256).optional(),
    /** Only responses with one of these statuses are read. */
    status: z.array(z.number().int()).min(1).optional(),
    /** Only fires on a response where all these rules fired too (context-dependent tells). */
    sameResponseAs: z.array(z.string()).min(1).optional(),
    match: matcherSchema,
    extract: extractSchema.optional(),
    /** definitive/supporting: the product; negative: proof (suspect); doubt: lowers confidence; note: a recorded fact. */
    weight: z.enum(['definitive', 'supporting', 'negative', 'doubt', 'note']),
    /** Note rules: a front (reverse proxy, load balancer, WAF) answers; its product, or "proxy" when unnamed. */
    front: z.string().min(2).optional(),
    /** Note rules: decode the value (capture `extract.value`) with a protocol decoder. */
    decode: z.enum(['ntlm-challenge']).optional(),
    /** Product family the signal implies, e.g. a hosted service rather than on-premises. */
    implies: z.string().optional(),
    /** For negative rules: why the host becomes suspect. */
    reason: z.string().optional(),
    /** Literal strings, at least one of which any record matching this rule contains. */
    anchors: z.array(z.string().min(3)).optional(),
    examples: z.array(exampleSchema).min(1),
    lookalikes: z.array(exampleSchema).default([]),
  })
  .strict()
  .superRefine((r, ctx) => {
    const needsNames = ['header', 'banner', 'favicon', 'reported'].includes(r.reads);
    if (needsNames && !r.names)
      ctx.addIssue({ code: 'custom', message: `rule ${r.id}: reads ${r.reads} needs names` });
    const allowed: Partial<Record<string, readonly string[]>> = {
      banner: BANNER_KINDS,
      favicon: FAVICON_KINDS,
      reported: REPORTED_FIELDS,
    };
    const known = allowed[r.reads];
    for (const n of known ? (r.names ?? []) : []) {
      if (!known?.includes(n))
        ctx.addIssue({
          code: 'custom',
          message: `rule ${r.id}: ${r.reads} has no part named ${n} (known: ${known?.join(', ')})`,
        });
    }
    if ((r.weight === 'negative' || r.weight === 'doubt') && !r.reason)
      ctx.addIssue({ code: 'custom', message: `rule ${r.id}: ${r.weight} rule needs a reason` });
    if ((r.front !== undefined || r.decode !== undefined) && r.weight !== 'note')
      ctx.addIssue({ code: 'custom', message: `rule ${r.id}: front and decode go with weight note` });
    if (r.within !== undefined && r.reads !== 'body')
      ctx.addIssue({ code: 'custom', message: `rule ${r.id}: within only applies to body rules` });
    if (r.match.absent && r.reads !== 'header')
      ctx.addIssue({ code: 'custom', message: `rule ${r.id}: absent only applies to headers` });
  });

export const ruleFileSchema = z
  .object({
    rules: z.array(ruleSchema).min(1),
  })
  .strict();

export type RuleDef = z.infer<typeof ruleSchema>;
export type RuleExample = z.infer<typeof exampleSchema>;
