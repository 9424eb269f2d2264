// Child process for the crash test: commits one batch, then SIGKILLs itself halfway
// through writing the second, while that batch's transaction is open.
import { openStore } from '../../src/store/index.js';
import type { StoredHost } from '../../src/store/store.js';
import { makeRecord } from './records.js';

const [path, name, sizeArg] = process.argv.slice(2) as [string, string, string | undefined];
// Batches of 1,000 or more go through the writer thread (sql-store.ts).
const size = Number(sizeArg ?? 100);
const store = await openStore(path);
const id = await store.createScan({ name, kind: 'scan', source: 'probe', series: 'crash', startedAt: '2025-11-20T00:00:00Z', inputs: [], options: {} });
const host = (i: number): StoredHost => ({ record: makeRecord({ ip: `10.9.${i >> 8}.${i & 255}` }) });
await store.addHosts(id, Array.from({ length: size }, (_, i) => host(i)));
const second = Array.from({ length: size }, (_, i) => host(size + i));
// Reading a record halfway through the open batch kills the process: no cleanup, no rollback.
Object.defineProperty(second[size >> 1], 'record', { get: () => process.kill(process.pid, 'SIGKILL') });
await store.addHosts(id, second);
