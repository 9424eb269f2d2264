// Loaded with `node --import` into a CLI process: appends to $EXCENSUS_IMPORT_LOG the URL of every
// module it resolves as ESM (through a resolve hook, import-log-hooks.mjs) and, at exit, every
// file in the CommonJS require cache. test/cli/startup-imports.test.ts reads it.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const log = process.env.EXCENSUS_IMPORT_LOG;
if (log) {
  register(new URL('./import-log-hooks.mjs', import.meta.url));
  const cache = createRequire(join(process.cwd(), 'noop.js')).cache;
  process.on('exit', () => {
    const files = Object.keys(cache).map((f) => pathToFileURL(f).href);
    appendFileSync(log, files.map((u) => `require ${u}\n`).join(''));
  });
}
