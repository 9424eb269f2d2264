// Chooses the knowledge base a command judges with (pinned, current update or bundled), makes it
// the one loadKnowledgeBase() loads, and says what the user should hear about it: a KB older than
// the last Patch Tuesday (once per command), or an update passed over for newer bundled data.
import { chooseKnowledgeBase } from '../kb/in-use.js';
import { loadKnowledgeBase, useKnowledgeBase } from '../kb/load.js';
import { stalenessWarning } from '../kb/staleness.js';

export interface KbSelection {
  version: string;
  /** Lines for stderr (without the program name). */
  warnings: string[];
}

export function selectKnowledgeBase(opts: {
  env: NodeJS.ProcessEnv;
  pin?: string | undefined;
  /** YYYY-MM-DD; the staleness check runs only when given. */
  today?: string | undefined;
}): KbSelection {
  const choice = chooseKnowledgeBase({ env: opts.env, pin: opts.pin });
  useKnowledgeBase(choice.dir);
  const warnings: string[] = [];
  if (opts.today === undefined) return { version: '', warnings };
  const kb = loadKnowledgeBase();
  const stale = stalenessWarning(kb, opts.today);
  if (stale) warnings.push(stale);
  if (choice.note) warnings.push(choice.note);
  return { version: kb.version, warnings };
}
