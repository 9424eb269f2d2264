// Writes data/fingerprints.generated.json: the rule definitions data/fingerprints/*.yaml validate
// to, with a hash of those files (src/fingerprint/compiled-rules.ts). Run it after editing a rule
// file; test/fingerprint/compiled-rules.test.ts fails while the file is out of date.
//   npm run compile-rules [-- --check]
import { readFileSync, writeFileSync } from 'node:fs';
import { compileRules, defaultRulesDir } from '../src/fingerprint/index.js';
import { compiledRulesPath } from '../src/fingerprint/compiled-rules.js';

const path = compiledRulesPath(defaultRulesDir());
const text = `${JSON.stringify(compileRules(), null, 1)}\n`;
if (process.argv.includes('--check')) {
  let old = '';
  try {
    old = readFileSync(path, 'utf8');
  } catch {
    // missing: out of date
  }
  if (old !== text) {
    process.stderr.write(`${path} is out of date: run npm run compile-rules\n`);
    process.exit(1);
  }
} else {
  writeFileSync(path, text);
  process.stdout.write(`wrote ${path}\n`);
}
