// Resolves the citations in data/ against the repository: artifact numbers and files
// (test/fixtures/artifacts and its INDEX.md), lines of the recog and nmap extracts, research notes
// and their sections (docs/research/notes), format samples and their rows (test/fixtures/formats),
// file names, and upstream URLs. Each check returns what does not resolve.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { repoRoot } from '../helpers/cli.js';

const at = (...p: string[]) => join(repoRoot, ...p);
export const ARTIFACTS = at('test', 'fixtures', 'artifacts');
export const FORMATS = at('test', 'fixtures', 'formats');
export const NOTES = at('docs', 'research', 'notes');
/** Where a bare file name may point, besides the citing file's own folder. */
const ROOTS = [at('data'), at('docs', 'research'), at('test', 'fixtures')];

const read = (p: string) => readFileSync(p, 'utf8');
const lineCount = (p: string) => read(p).split('\n').length - (read(p).endsWith('\n') ? 1 : 0);

function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}
const rootFiles = ROOTS.flatMap((r) => walk(r));

/** Artifact number -> file name, from the index that numbers them (A1 ... A20). */
export const artifactIndex: Map<number, string> = new Map(
  [...read(join(ARTIFACTS, 'INDEX.md')).matchAll(/^\| (\d+) \| `([^`]+)` \|/gm)].map((m) => [Number(m[1]), m[2]!]),
);

function artifactFile(n: number): string | undefined {
  const name = artifactIndex.get(n);
  return name && existsSync(join(ARTIFACTS, name)) ? join(ARTIFACTS, name) : undefined;
}

/** A bare file name: in the citing file's folder, else the one file of that name under the roots. */
function resolveName(name: string, from: string): string | undefined {
  const here = join(dirname(from), name);
  if (existsSync(here)) return here;
  const hits = rootFiles.filter((f) => f.endsWith('/' + name));
  return hits.length === 1 ? hits[0] : undefined;
}

const URL_RE = /https?:\/\/[^\s'"`)<>\]]+/g;

/** What in `text` (cited from file `from`) does not resolve; `cites` when something did. */
export function checkText(
  text: string,
  from: string,
  opts: { strictNames: boolean },
): { unresolved: string[]; cites: boolean } {
  const unresolved: string[] = [];
  let cites = false;
  const ok = () => (cites = true);
  const bad = (what: string) => unresolved.push(what);
  const noUrls = text.replace(URL_RE, ' ');

  for (const m of text.matchAll(URL_RE)) {
    const url = m[0].replace(/[.,;]$/, '');
    try {
      const u = new URL(url);
      // a GitHub file cited by a rule must stay what was read: pinned to a commit
      if (opts.strictNames && u.hostname === 'github.com' && !/\/(blob|tree)\/[0-9a-f]{40}\//.test(u.pathname))
        bad(`${url} (cite a GitHub file at a full commit)`);
      else ok();
    } catch {
      bad(`${url} (not a URL)`);
    }
  }
  if (/(\.\.\/shared\/|\/work\/)/.test(noUrls)) bad('a path outside the repository (../shared/...)');
  if (/\bnotes? §/.test(noUrls)) bad('"notes §": name the note (notes/<file>.md §N)');
  if (/\bkb-notes\b(?!\.md)/.test(noUrls)) bad('"kb-notes": cite notes/kb-notes.md');

  // artifacts: "artifacts A5", "A10 and A11", "artifact 9", "INDEX.md row 20"
  const mentionsArtifacts = /\bartifacts?\b/i.test(opts.strictNames ? text : readFileSafe(from));
  const numbers = new Set<number>();
  if (mentionsArtifacts) {
    for (const m of noUrls.matchAll(/\bA(\d{1,2})\b/g)) numbers.add(Number(m[1]));
    for (const m of noUrls.matchAll(/\bartifacts? (\d{1,2})\b/gi)) numbers.add(Number(m[1]));
  }
  for (const n of numbers) (artifactFile(n) ? ok : () => bad(`artifact A${n}`))();
  for (const m of noUrls.matchAll(/INDEX\.md row (\d+)/g))
    (artifactIndex.has(Number(m[1])) ? ok : () => bad(`INDEX.md row ${m[1]}`))();
  // "A5 exchange2019-...txt": the number and the name must agree
  for (const m of noUrls.matchAll(/\bA(\d{1,2}) ([\w.+-]+\.(?:html|txt|ico))\b/g))
    if (artifactIndex.get(Number(m[1])) !== m[2]) bad(`A${m[1]} is not ${m[2]} in INDEX.md`);

  // lines of the recog and nmap extracts (artifacts A14 and A15)
  for (const m of noUrls.matchAll(/\b(\w+\.xml):(\d+)\b/g)) {
    const a14 = artifactFile(14);
    (a14 && read(a14).includes(`\n${m[1]}:${m[2]}\t`) ? ok : () => bad(`recog ${m[1]}:${m[2]} (not in A14)`))();
  }
  for (const m of noUrls.matchAll(/nmap-service-probes line (\d+)/g)) {
    const a15 = artifactFile(15);
    (a15 && new RegExp(`^${m[1]}: `, 'm').test(read(a15)) ? ok : () => bad(`nmap-service-probes line ${m[1]}`))();
  }
  // "lines 3-7" of the artifacts the text names
  const cited = [
    ...[...numbers].map(artifactFile),
    ...[...noUrls.matchAll(/\b([\w.+-]+\.(?:html|txt))\b/g)].map((m) => join(ARTIFACTS, m[1]!)),
  ].filter((p): p is string => p !== undefined && existsSync(p));
  for (const m of noUrls.replace(/nmap-service-probes line \d+/g, '').matchAll(/\blines? (\d+)(?:-(\d+))?/g)) {
    const last = Number(m[2] ?? m[1]);
    // an extract numbers its lines as the original's ("44:...", as A15 and A17 do)
    for (const p of cited)
      if (lineCount(p) < last && !new RegExp(`^${last}:`, 'm').test(read(p))) bad(`${basename(p)} has no line ${last}`);
  }

  // research notes and their sections
  const notes = [...noUrls.matchAll(/\bnotes\/([\w.-]+\.md)\b/g)].map((m) => m[1]!);
  for (const n of notes) (existsSync(join(NOTES, n)) ? ok : () => bad(`notes/${n}`))();
  const first = notes[0] && existsSync(join(NOTES, notes[0])) ? read(join(NOTES, notes[0])) : undefined;
  if (first) {
    const after = noUrls.slice(noUrls.indexOf('notes/'));
    for (const m of after.matchAll(/\bT(\d{1,2})\b/g))
      if (!first.includes(`| T${m[1]} |`)) bad(`notes/${notes[0]} T${m[1]}`);
    for (const m of after.matchAll(/(?:section |§|\.md )(\d+(?:\.\d+)?)\b/g))
      if (!new RegExp(`^#{2,3} ${m[1]!.replace('.', '\\.')}[. ]`, 'm').test(first))
        bad(`notes/${notes[0]} section ${m[1]}`);
    for (const m of after.matchAll(/\bstages? (\d+)/gi))
      if (!new RegExp(`stage ${m[1]}`, 'i').test(first)) bad(`notes/${notes[0]} stage ${m[1]}`);
  }

  // format samples and their rows
  for (const m of noUrls.matchAll(/\bformats\/([\w.+-]+)(?: row (\d+))?/g)) {
    const p = join(FORMATS, m[1]!);
    if (!existsSync(p)) bad(`formats/${m[1]}`);
    else if (m[2] && lineCount(p) - 1 < Number(m[2])) bad(`formats/${m[1]} row ${m[2]}`);
    else ok();
  }

  // bare file names (not part of a path already checked above)
  const bare = opts.strictNames ? /(?<![\w/.-])([\w+-][\w.+-]*\.(?:html|txt|ico|md|csv|py|yaml|json))\b/g : /(?<![\w/.-])([\w+-][\w.+-]*\.(?:md|csv|yaml))\b/g;
  for (const m of noUrls.matchAll(bare)) {
    const resolved = resolveName(m[1]!, from);
    if (!resolved) bad(`${m[1]} (no such file in the repository, or more than one)`);
    else ok();
  }
  return { unresolved, cites };
}

function readFileSafe(p: string): string {
  return existsSync(p) ? read(p) : '';
}

export const rel = (p: string) => relative(repoRoot, p);
