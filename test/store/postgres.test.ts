// Runs the conformance suite against PostgreSQL when EXCENSUS_TEST_PG is set (CI sets
// postgres://postgres@127.0.0.1:5432/test). Each run uses its own schema, dropped at the end.
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/index.js';
import { storeConformance } from './conformance.js';
import { censusEquivalence } from './census-equivalence.js';
import { roundTrip } from './round-trip.js';

const url = process.env.EXCENSUS_TEST_PG;
if (!url) {
  describe('Store conformance: postgres', () => {
    it(
      'skipped: set EXCENSUS_TEST_PG=postgres://postgres@127.0.0.1:5432/test to run it',
      { skip: 'EXCENSUS_TEST_PG is not set' },
      () => {},
    );
  });
} else {
  const schema = `excensus_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const withSchema = `${url}${url.includes('?') ? '&' : '?'}schema=${schema}`;
  after(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });
  storeConformance('postgres', () => openStore(withSchema));
  censusEquivalence('postgres', () => openStore(withSchema));
  censusEquivalence('postgres', () => openStore(withSchema), false);
  roundTrip('postgres', () => openStore(withSchema));
}
