// Public surface of the knowledge base: load once (validated, cached per directory), query purely.
import type { KnowledgeBase } from './types.js';

export type {
  BuildRow,
  BuildLine,
  CveFamily,
  CveRecord,
  FixedBuild,
  KbRow,
  KnowledgeBase,
  ProductInfo,
} from './types.js';
export {
  loadKnowledgeBase,
  defaultDataDir,
  knowledgeBaseFromFiles,
  useKnowledgeBase,
  knowledgeBaseDirInUse,
} from './load.js';
export { chooseKnowledgeBase, type KbChoice } from './in-use.js';
export { userDataDir, kbRoot, bundledDataDir } from './locations.js';
export type { KbManifest } from './manifest.js';
export { productOf, lineOf, linesOfProduct, latestRow, releasedBy, type ProductMatch } from './lookups.js';
export {
  loadWindowsTable,
  parseWindowsTable,
  judgeWindows,
  windowsSupportEnded,
  type WindowsTable,
  type WindowsRelease,
} from './windows.js';
export { splitVersion, formatVersion, compareVersions, lineKey } from './version.js';

/** Family keys in report order (as listed in data/cves.json), each with at least one CVE. */
export function cveFamilies(kb: KnowledgeBase): string[] {
  const used = new Set(kb.cves.map((c) => c.family));
  return kb.families.map((f) => f.key).filter((k) => used.has(k));
}

/** CVE ids of one family, in data order. */
export function cvesOfFamily(kb: KnowledgeBase, family: string): string[] {
  return kb.cves.filter((c) => c.family === family).map((c) => c.cve);
}
