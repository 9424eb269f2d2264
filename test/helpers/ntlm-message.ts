// Builds NTLM CHALLENGE messages in the MS-NLMP 2.2.1.2 layout for tests (names, version).
export interface ChallengeFields {
  netbiosComputer?: string;
  netbiosDomain?: string;
  dnsComputer?: string;
  dnsDomain?: string;
  dnsTree?: string;
  /** "major.minor.build"; omitted: no VERSION structure (flag off). */
  version?: string;
}

function avPair(id: number, value?: string): Buffer {
  const v = value === undefined ? Buffer.alloc(0) : Buffer.from(value, 'utf16le');
  const head = Buffer.alloc(4);
  head.writeUInt16LE(id, 0);
  head.writeUInt16LE(v.length, 2);
  return Buffer.concat([head, v]);
}

export function challengeMessage(f: ChallengeFields): Buffer {
  const target = Buffer.from(f.netbiosDomain ?? '', 'utf16le');
  const pairs: Buffer[] = [];
  const ids: Array<[number, string | undefined]> = [
    [2, f.netbiosDomain],
    [1, f.netbiosComputer],
    [4, f.dnsDomain],
    [3, f.dnsComputer],
    [5, f.dnsTree],
  ];
  for (const [id, v] of ids) if (v !== undefined) pairs.push(avPair(id, v));
  pairs.push(avPair(0));
  const info = Buffer.concat(pairs);
  const head = Buffer.alloc(56);
  head.write('NTLMSSP\0', 'latin1');
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(target.length, 12);
  head.writeUInt16LE(target.length, 14);
  head.writeUInt32LE(56, 16);
  // UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | TARGET_TYPE_DOMAIN | EXTENDED_SESSIONSECURITY | TARGET_INFO | 128 | 56, plus VERSION when given
  head.writeUInt32LE((0xa2890205 | (f.version ? 0x02000000 : 0)) >>> 0, 20);
  head.writeUInt16LE(info.length, 40);
  head.writeUInt16LE(info.length, 42);
  head.writeUInt32LE(56 + target.length, 44);
  if (f.version) {
    const [major, minor, build] = f.version.split('.').map(Number) as [number, number, number];
    head[48] = major;
    head[49] = minor;
    head.writeUInt16LE(build, 50);
    head[55] = 15; // NTLMSSP_REVISION_W2K3
  }
  return Buffer.concat([head, target, info]);
}
