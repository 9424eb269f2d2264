// Products whose CVEs the knowledge base does not judge at all (Exchange 2007, 2003): wherever
// families are listed, theirs read "not assessed", never "none" or 0, which would say "clean".
import type { HostRecord } from '../core/host-record.js';
import { cvesAssessed } from '../classify/index.js';
import { knowledgeBaseDirInUse, loadKnowledgeBase } from '../kb/index.js';

export const NOT_ASSESSED = 'not assessed';

/** Answers by knowledge base in use and product: exports ask for every host (loading the KB per call cost 2x). */
const answers = new Map<string, boolean>();

/** False for a product the knowledge base holds no CVE for; true for others and for no product. */
export function productAssessed(product: string | null | undefined): boolean {
  if (product === null || product === undefined) return true;
  const key = `${knowledgeBaseDirInUse()}\0${product}`;
  let answer = answers.get(key);
  if (answer === undefined) {
    answer = cvesAssessed(loadKnowledgeBase(), product);
    answers.set(key, answer);
  }
  return answer;
}

/** The knowledge base's products it judges no CVE for, which a census counts apart (Store.census notAssessed). */
export function notAssessedProducts(): string[] {
  return loadKnowledgeBase()
    .products.map((p) => p.product)
    .filter((name) => !productAssessed(name));
}

/** Whether a record's CVE verdicts mean anything: it is Exchange (not a suspect) of an assessed product. */
export function cvesJudged(r: HostRecord): boolean {
  return !r.suspect && productAssessed(r.classification?.product);
}
