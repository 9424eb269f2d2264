// Loads data/report.yaml (which CVE families the headline sentence leads with) and orders families
// as the knowledge base does (by publication), so tables read the same from scan to scan.
import { readFileSync } from 'node:fs';
import { dataPath } from '../core/data-dir.js';
import { parse } from 'yaml';
import { z } from 'zod';
import { DataError } from '../core/errors.js';
import { cveFamilies, loadKnowledgeBase } from '../kb/index.js';

const schema = z.object({ headline_families: z.array(z.string().min(1)).min(1) });
let cached: { headlineFamilies: string[] } | undefined;

export function loadReportData(): { headlineFamilies: string[] } {
  if (cached) return cached;
  const file = dataPath('report.yaml');
  const parsed = schema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!parsed.success)
    throw new DataError(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return (cached = { headlineFamilies: parsed.data.headline_families });
}

/** The knowledge base's family order first; families it does not know (older stores) after, by name. */
export function knownFamilyOrder(): string[] {
  return cveFamilies(loadKnowledgeBase());
}
