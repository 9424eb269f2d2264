// Builds the NTLM CHALLENGE a lab host answers an anonymous NEGOTIATE with (MS-NLMP 2.2.1.2):
// target info names from the host's certificate names, and its Windows version.

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

// UNICODE | REQUEST_TARGET | NTLM | ALWAYS_SIGN | TARGET_TYPE_DOMAIN | EXTENDED_SESSIONSECURITY | TARGET_INFO | 128 | 56
const FLAGS = 0xa2898205;
const NEGOTIATE_VERSION = 0x02000000;

export function challengeMessage(f: ChallengeFields, serverChallenge = Buffer.alloc(8, 0x5a)): Buffer {
  const target = Buffer.from(f.netbiosDomain ?? '', 'utf16le');
  const ids: Array<[number, string | undefined]> = [
    [2, f.netbiosDomain],
    [1, f.netbiosComputer],
    [4, f.dnsDomain],
    [3, f.dnsComputer],
    [5, f.dnsTree],
  ];
  const pairs = ids.filter(([, v]) => v !== undefined).map(([id, v]) => avPair(id, v));
  const info = Buffer.concat([...pairs, avPair(0)]);
  const head = Buffer.alloc(56);
  head.write('NTLMSSP\0', 0, 'latin1');
  head.writeUInt32LE(2, 8);
  head.writeUInt16LE(target.length, 12);
  head.writeUInt16LE(target.length, 14);
  head.writeUInt32LE(56, 16);
  head.writeUInt32LE((FLAGS | (f.version ? NEGOTIATE_VERSION : 0)) >>> 0, 20);
  serverChallenge.copy(head, 24, 0, 8);
  head.writeUInt16LE(info.length, 40);
  head.writeUInt16LE(info.length, 42);
  head.writeUInt32LE(56 + target.length, 44);
  if (f.version) {
    const [major = 0, minor = 0, build = 0] = f.version.split('.').map(Number);
    head[48] = major;
    head[49] = minor;
    head.writeUInt16LE(build, 50);
    head[55] = 15; // NTLMSSP_REVISION_W2K3
  }
  return Buffer.concat([head, target, info]);
}

/** Names as a default Exchange host shows them: NetBIOS name = certificate CN, FQDN from the SAN. */
export function hostChallengeFields(cn: string, san: string[], version: string): ChallengeFields {
  const fqdn = san.find((n) => n.includes('.')) ?? cn;
  const domain = fqdn.includes('.') ? fqdn.slice(fqdn.indexOf('.') + 1) : undefined;
  const netbiosDomain = domain?.split('.')[0]?.toUpperCase().slice(0, 15);
  return {
    netbiosComputer: cn.toUpperCase().slice(0, 15),
    ...(netbiosDomain ? { netbiosDomain } : {}),
    dnsComputer: fqdn,
    ...(domain ? { dnsDomain: domain, dnsTree: domain } : {}),
    version,
  };
}
