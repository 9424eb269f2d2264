import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { openStore } from '../../src/store/index.js';
import { storeConformance } from './conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'excensus-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

storeConformance('sqlite', () => openStore(join(dir, 'conformance.db')));
