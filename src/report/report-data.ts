// Loads data/report.yaml (which CVE families the headline sentence leads with) and orders families
// as the knowledge base does (by publication), so tables read the same from scan to scan.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { checkedValue } from '../core/checked-data.js';
import { dataPath } from '../core/data-dir.js';
import { DataError } from '../core/errors.js';
import { cveFamilies, loadKnowledgeBase } from '../kb/index.js';
import type { ReportDataFile } from './report-schema.js';

let cached: { headlineFamilies: string[] } | undefined;

export function loadReportData(): { headlineFamilies: string[] } {
  if (cached) return cached;
  const file = dataPath('report.yaml');
  const text = readFileSync(file, 'utf8');
  // the value this text validated to before (core/checked-data.ts), else the YAML checked here
  const data =
    (checkedValue('report.yaml', text) as ReportDataFile | undefined) ?? parseReportData(file, text);
  return (cached = { headlineFamilies: data.headline_families });
}

/** report.yaml's text parsed and validated (the YAML parser and the schema load on first use). */
export function parseReportData(file: string, text: string): ReportDataFile {
  const requireHere = createRequire(import.meta.url);
  const { parse } = requireHere('yaml') as typeof import('yaml');
  const { reportDataSchema } = requireHere('./report-schema.js') as typeof import('./report-schema.js');
  const parsed = reportDataSchema.safeParse(parse(text));
  if (!parsed.success)
    throw new DataError(
      `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/** The knowledge base's family order first; families it does not know (older stores) after, by name. */
export function knownFamilyOrder(): string[] {
  return cveFamilies(loadKnowledgeBase());
}
