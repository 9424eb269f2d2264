// Writes data/fingerprints.generated.json: the rule definitions data/fingerprints/*.yaml validate
// to, with a hash of those files (src/fingerprint/compiled-rules.ts); and data/checked.generated.json:
// the digests of the data files their schemas accept (src/core/checked-data.ts). Run it after
// editing a rule file or a data file; test/fingerprint/compiled-rules.test.ts and
// test/kb/checked-data.test.ts fail while a file is out of date.
//   npm run compile-rules [-- --check]
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRules, defaultRulesDir } from '../src/fingerprint/index.js';
import { compiledRulesPath } from '../src/fingerprint/compiled-rules.js';
import { CHECKED_DATA_NAME } from '../src/core/checked-data.js';
import { dataPath } from '../src/core/data-dir.js';
import { checkedDataText } from '../src/run/checked-data.js';

const outputs: Array<[string, string]> = [
  [compiledRulesPath(defaultRulesDir()), `${JSON.stringify(compileRules(), null, 1)}\n`],
  [join(dataPath(), CHECKED_DATA_NAME), checkedDataText()],
];
let stale = false;
for (const [path, text] of outputs) {
  if (process.argv.includes('--check')) {
    let old = '';
    try {
      old = readFileSync(path, 'utf8');
    } catch {
      // missing: out of date
    }
    if (old !== text) {
      process.stderr.write(`${path} is out of date: run npm run compile-rules\n`);
      stale = true;
    }
  } else {
    writeFileSync(path, text);
    process.stdout.write(`wrote ${path}\n`);
  }
}
if (stale) process.exit(1);
