// Loaded with `node --import` into the launcher (bin/excensus.js) and, through its execArgv, into
// the child it re-runs: appends to $EXCENSUS_LAUNCHER_SPY one JSON line per process (its execArgv)
// and one per path the launcher itself stats to size the input.
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';

const log = process.env.EXCENSUS_LAUNCHER_SPY;
if (log) {
  const note = (entry) => fs.appendFileSync(log, JSON.stringify({ pid: process.pid, ...entry }) + '\n');
  note({ execArgv: process.execArgv });
  const statSync = fs.statSync;
  fs.statSync = function spiedStatSync(path, ...rest) {
    if (/[\\/]bin[\\/]excensus\.js:/.test(new Error().stack ?? '')) note({ stat: String(path) });
    return statSync.call(this, path, ...rest);
  };
  syncBuiltinESMExports();
}
