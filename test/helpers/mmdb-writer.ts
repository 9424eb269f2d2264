// Writes small MaxMind DB (.mmdb) files laid out like MaxMind's GeoLite2 Country/City and ASN
// databases, so tests can exercise "your own GeoLite2 file" without one (GeoLite2 needs an
// account and is not redistributable here). Format: MaxMind DB spec v2.0 — a binary search tree
// of 24-bit records over IPv6 (IPv4 networks under ::/96, as GeoLite2 files hold them), a data
// section of typed values, then the metadata map after "\xAB\xCD\xEFMaxMind.com".
import { writeFileSync } from 'node:fs';

export type MmdbValue = string | number | { [k: string]: MmdbValue } | MmdbValue[];

function control(type: number, size: number): number[] {
  const head = type <= 7 ? type << 5 : 0;
  const ext = type > 7 ? [type - 7] : [];
  if (size < 29) return [head | size, ...ext];
  if (size < 29 + 256) return [head | 29, ...ext, size - 29];
  if (size < 285 + 65536) return [head | 30, ...ext, (size - 285) >> 8, (size - 285) & 255];
  throw new Error('value too large for this writer');
}

function encode(v: MmdbValue): number[] {
  if (typeof v === 'string') {
    const b = [...Buffer.from(v, 'utf8')];
    return [...control(2, b.length), ...b];
  }
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`only uint32 numbers: ${v}`);
    const bytes: number[] = [];
    for (let x = v; x > 0; x = Math.floor(x / 256)) bytes.unshift(x % 256);
    return [...control(6, bytes.length), ...bytes];
  }
  if (Array.isArray(v)) return [...control(11, v.length), ...v.flatMap(encode)];
  const entries = Object.entries(v);
  return [...control(7, entries.length), ...entries.flatMap(([k, x]) => [...encode(k), ...encode(x)])];
}

/** IPv4 networks ("81.0.0.0/8") and their records -> an .mmdb file of `databaseType`. */
export function writeMmdb(path: string, databaseType: string, networks: Array<[string, MmdbValue]>): void {
  // the tree: node = [left, right]; -1 = empty, {data} = a leaf
  type Rec = number | { data: number };
  const nodes: Array<[Rec, Rec]> = [[-1, -1]];
  const data: number[] = [];
  for (const [cidr, value] of networks) {
    const [addr, len] = cidr.split('/') as [string, string];
    const v4 = addr.split('.').reduce((n, o) => n * 256 + Number(o), 0);
    const bits = 96 + Number(len);
    const offset = data.length;
    data.push(...encode(value));
    let node = 0;
    for (let i = 0; i < bits; i++) {
      const bit = i < 96 ? 0 : Math.floor(v4 / 2 ** (31 - (i - 96))) % 2;
      if (i === bits - 1) {
        nodes[node]![bit] = { data: offset };
        break;
      }
      let next = nodes[node]![bit]!;
      if (typeof next !== 'number' || next < 0) {
        nodes.push([-1, -1]);
        next = nodes.length - 1;
        nodes[node]![bit] = next;
      }
      node = next;
    }
  }
  const count = nodes.length;
  const tree = Buffer.alloc(count * 6);
  const value = (r: Rec): number => (typeof r === 'number' ? (r < 0 ? count : r) : count + 16 + r.data);
  nodes.forEach(([l, r], i) => {
    tree.writeUIntBE(value(l), i * 6, 3);
    tree.writeUIntBE(value(r), i * 6 + 3, 3);
  });
  const metadata = encode({
    binary_format_major_version: 2,
    binary_format_minor_version: 0,
    build_epoch: 1700000000,
    database_type: databaseType,
    description: { en: 'excensus test database (synthetic, GeoLite2 layout)' },
    ip_version: 6,
    languages: ['en'],
    node_count: count,
    record_size: 24,
  });
  writeFileSync(
    path,
    Buffer.concat([
      tree,
      Buffer.alloc(16),
      Buffer.from(data),
      Buffer.from([0xab, 0xcd, 0xef]),
      Buffer.from('MaxMind.com'),
      Buffer.from(metadata),
    ]),
  );
}
