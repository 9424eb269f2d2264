// CIDR owner files for `notify --by cidr-file`: one "CIDR[,owner name]" per line, # comments.
// Bad lines are counted and reported with their numbers, never dropped silently.
import { BlockList, isIPv4, isIPv6 } from 'node:net';

export interface CidrBlock {
  cidr: string;
  owner: string | null;
  prefix: number;
  list: BlockList;
}

export interface CidrFile {
  blocks: CidrBlock[];
  errors: Array<{ line: number; message: string }>;
}

export function parseCidrFile(text: string): CidrFile {
  const blocks: CidrBlock[] = [];
  const errors: CidrFile['errors'] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') return;
    const comma = line.indexOf(',');
    const cidr = (comma < 0 ? line : line.slice(0, comma)).trim();
    const owner =
      comma < 0
        ? null
        : line
            .slice(comma + 1)
            .trim()
            .replace(/^"(.*)"$/, '$1') || null;
    const m = /^([^/\s]+)\/(\d{1,3})$/.exec(cidr);
    const ip = m?.[1] ?? '';
    const prefix = Number(m?.[2]);
    const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : null;
    if (!m || !family || prefix > (family === 'ipv4' ? 32 : 128)) {
      errors.push({ line: i + 1, message: `not a CIDR block: "${cidr.slice(0, 80)}"` });
      return;
    }
    const list = new BlockList();
    list.addSubnet(ip, prefix, family);
    blocks.push({ cidr, owner, prefix, list });
  });
  // Most specific block wins when blocks nest.
  blocks.sort((a, b) => b.prefix - a.prefix);
  return { blocks, errors };
}

export function findBlock(blocks: CidrBlock[], ip: string): CidrBlock | undefined {
  const family = isIPv4(ip) ? 'ipv4' : isIPv6(ip) ? 'ipv6' : null;
  if (!family) return undefined;
  return blocks.find((b) => b.list.check(ip, family));
}
