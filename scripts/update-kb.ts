// Regenerates data/builds.json, data/lifecycle.json and data/cves.json from the reference CSVs
// and the hand-kept data/*.annotations.json, through the same generator and checks as
// `excensus kb update` (src/kb/update/assemble.ts).
//   node --import tsx scripts/update-kb.ts [--reference DIR] [--check]
// --check writes nothing and exits 1 when data/ differs from what would be generated.
// The reference directory defaults to $EXCENSUS_REFERENCE_DIR, else ../shared/reference.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { GeneratedFiles, GeneratorInput } from '../src/kb/generate.js';
import { readAnnotations } from '../src/kb/annotations.js';
import { tablesFromReferenceCsvs } from '../src/kb/tables.js';
import { assembleKnowledgeBase } from '../src/kb/update/assemble.js';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));
export const dataDir = join(repoRoot, 'data');

export function defaultReferenceDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EXCENSUS_REFERENCE_DIR) return resolve(env.EXCENSUS_REFERENCE_DIR);
  // the shared reference beside the checkout when there is one, else the copies kept in the
  // repository (docs/research/reference, same files): so a fresh clone checks for drift too
  const shared = join(repoRoot, '..', 'shared', 'reference');
  return existsSync(join(shared, 'exchange-builds.csv'))
    ? shared
    : join(repoRoot, 'docs', 'research', 'reference');
}

export function readGeneratorInput(referenceDir: string, annotationsDir = dataDir): GeneratorInput {
  const read = (name: string): string => readFileSync(join(referenceDir, name), 'utf8');
  return {
    tables: tablesFromReferenceCsvs({
      builds: read('exchange-builds.csv'),
      lifecycle: read('exchange-lifecycle.csv'),
      cves: read('exchange-cves.csv'),
    }),
    ...readAnnotations(annotationsDir),
  };
}

/** Names of the data files whose content differs from the generated text. */
export function driftedFiles(files: GeneratedFiles, dir = dataDir): string[] {
  return Object.entries(files)
    .filter(([name, text]) => !existsSync(join(dir, name)) || readFileSync(join(dir, name), 'utf8') !== text)
    .map(([name]) => name);
}

function main(): number {
  const { values } = parseArgs({ options: { reference: { type: 'string' }, check: { type: 'boolean' } } });
  const refDir = values.reference ? resolve(values.reference) : defaultReferenceDir();
  if (!existsSync(join(refDir, 'exchange-builds.csv'))) {
    console.error(
      `update-kb: no exchange-builds.csv in ${refDir} (set --reference or EXCENSUS_REFERENCE_DIR)`,
    );
    return 2;
  }
  const assembled = assembleKnowledgeBase(readGeneratorInput(refDir));
  for (const note of assembled.notes) console.error(`update-kb: note: ${note}`);
  if (assembled.errors.length) {
    for (const e of assembled.errors) console.error(`update-kb: ${e}`);
    return 1;
  }
  const drifted = driftedFiles(assembled.files);
  if (values.check) {
    if (drifted.length) console.error(`update-kb: out of date: ${drifted.join(', ')}`);
    return drifted.length ? 1 : 0;
  }
  for (const name of drifted)
    writeFileSync(join(dataDir, name), assembled.files[name as keyof GeneratedFiles]);
  console.error(
    drifted.length ? `update-kb: wrote ${drifted.join(', ')}` : 'update-kb: data/ already up to date',
  );
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
