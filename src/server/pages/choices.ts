// What the filter form offers: the store's scans, CVE families and products.
import { census, listScans, type Store } from '../../run/index.js';
import { scanDate } from '../../report/scan-view.js';

export interface Choices {
  scans: Array<{ name: string; label: string }>;
  families: string[];
  products: string[];
}

export async function formChoices(store: Store, scan?: string): Promise<Choices> {
  const scans = await listScans(store);
  const products = scans.length
    ? ((
        await census(store, {
          ...(scan ? { scan } : {}),
          groupBy: ['product'],
          asOf: '9999-12-31',
          filter: {},
        }).catch(() => null)
      )?.rows
        .map((r) => r.group.product)
        .filter((x): x is string => typeof x === 'string')
        .sort() ?? [])
    : [];
  return {
    scans: scans
      .slice()
      .reverse()
      .map((s) => ({ name: s.name, label: `${s.name} (${scanDate(s)})` })),
    families: await store.families(),
    products,
  };
}
