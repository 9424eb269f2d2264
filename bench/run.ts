// `npm run bench`: runs every benchmark in its own process, one after another, so they do not
// share CPU. Pass names to run a subset: `npm run bench -- ingest census`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const all = [
  'classify',
  'fingerprint',
  'ingest',
  'exchange',
  'ingest-store',
  'census',
  'report',
  'scan',
  'distributed',
  'serve',
];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : all;
const dir = fileURLToPath(new URL('./', import.meta.url));
let failed = 0;
for (const name of names) {
  const file = `${dir}${name}.ts`;
  if (!existsSync(file)) {
    process.stderr.write(`bench: no benchmark named "${name}" (known: ${all.join(', ')})\n`);
    failed++;
    continue;
  }
  process.stdout.write(`\n=== bench ${name} ===\n`);
  const res = spawnSync(process.execPath, ['--import', 'tsx', file], { stdio: 'inherit' });
  if (res.status !== 0) failed++;
}
process.exit(failed > 0 ? 1 : 0);
