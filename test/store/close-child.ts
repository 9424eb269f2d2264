// Child process for the close test: writes batches that each ask the checkpoint thread for a
// checkpoint, closes the store at once (a checkpoint is usually still running), then says so.
import { SqlStore } from '../../src/store/sql-store.js';
import { openSqliteDriver } from '../../src/store/sqlite/sqlite-driver.js';
import { sqliteFileWrites } from '../../src/store/sqlite/file-writes.js';
import { makeRecord } from './records.js';

const [path] = process.argv.slice(2) as [string];
const driver = openSqliteDriver(path);
const store = await SqlStore.open(driver, { bulk: sqliteFileWrites(driver, path, { checkpointBytes: 1 }) });
const id = await store.createScan({
  name: 'close',
  kind: 'ingest',
  source: 'shodan',
  series: 'close',
  startedAt: '2025-01-01T00:00:00Z',
  inputs: [],
  options: {},
});
for (let b = 0; b < 3; b++) {
  await store.addHosts(
    id,
    Array.from({ length: 50 }, (_, i) => ({
      record: makeRecord({ ip: `10.7.${b}.${i}` }),
      observation: { kind: 'line', reader: 'shodan', text: 'y'.repeat(30000) },
    })),
  );
}
await store.close();
process.stdout.write('closed\n');
