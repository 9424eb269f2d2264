// A scan's on-premises Exchange servers as diff and notify list them: one per address, its
// records with an Exchange marker combined as the census combines them (core/server.ts), so a
// port that makes the address a suspect makes the server one (and leaves it out here).
import { serversOf, type ServerRecord } from '../core/server.js';
import type { HostFilter, Store } from '../store/store.js';

/** `filter`: e.g. the networks of one bundle (a whole server lies in one network: filter on addresses is safe). */
export async function* exchangeServers(
  store: Store,
  scanId: number,
  filter: HostFilter = {},
): AsyncGenerator<ServerRecord> {
  async function* marked() {
    // iterateHosts gives a scan's records ordered by address, as serversOf needs
    for await (const h of store.iterateHosts(scanId, { ...filter, status: ['exchange', 'suspect'] }))
      yield h.record;
  }
  for await (const s of serversOf(marked())) if (s.isExchange) yield s;
}
