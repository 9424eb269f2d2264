// The resolve hook of import-log.mjs: logs each URL an import resolves to.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  const log = process.env.EXCENSUS_IMPORT_LOG;
  if (log) appendFileSync(log, `import ${resolved.url}\n`);
  return resolved;
}
