// Regenerates data/lab/certs/*.pem from data/lab/certs.yaml.
// Usage: node --import tsx src/lab/make-certs.ts
import { join } from 'node:path';
import { loadFleetData } from './fleet-data.js';
import { generateCert } from './certs.js';

const data = loadFleetData();
const dir = join(data.dir, 'certs');
for (const entry of [...data.certs.exchange, ...data.certs.other]) {
  generateCert(entry, dir);
  process.stdout.write(`${entry.id}: CN=${entry.cn}\n`);
}
