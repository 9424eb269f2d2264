// Tables + annotations -> checked data files. The one path both scripts/update-kb.ts and
// `excensus kb update` take: generate the files, load them as a KB in memory (schemas, indexes),
// and run the checks. Nothing is written here.
import { generateKnowledgeBase, type GeneratedFiles, type GeneratorInput } from '../generate.js';
import { knowledgeBaseFromFiles } from '../load.js';
import type { KnowledgeBase } from '../types.js';
import { checkKnowledgeBase } from './checks.js';

export interface Assembled {
  files: GeneratedFiles;
  /** The KB the files hold, when they load; null when they do not. */
  kb: KnowledgeBase | null;
  /** Reasons to refuse the result. */
  errors: string[];
  /** Things worth knowing that do not stop it. */
  notes: string[];
}

export function assembleKnowledgeBase(input: GeneratorInput, where = '(generated)'): Assembled {
  let files: GeneratedFiles;
  try {
    files = generateKnowledgeBase(input);
  } catch (err) {
    const empty = { 'builds.json': '', 'lifecycle.json': '', 'cves.json': '' };
    return { files: empty, kb: null, errors: [(err as Error).message], notes: [] };
  }
  let kb: KnowledgeBase;
  try {
    kb = knowledgeBaseFromFiles(files, where);
  } catch (err) {
    return { files, kb: null, errors: [(err as Error).message], notes: [] };
  }
  return { files, kb, errors: checkKnowledgeBase(kb), notes: [] };
}
