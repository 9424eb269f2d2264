// Decodes an NTLM CHALLENGE message (MS-NLMP 2.2.1.2): the server's NetBIOS and DNS names from
// its target info (AV pairs, 2.2.2.1) and the Windows version (VERSION, 2.2.2.10). Protocol
// knowledge only; bad input gives undefined, never an exception.
import type { NtlmInfo } from '../core/evidence.js';

const SIGNATURE = 'NTLMSSP\0';
const CHALLENGE = 2;
const NEGOTIATE_VERSION = 0x02000000;
/** AV pair ids (MS-NLMP 2.2.2.1) -> NtlmInfo field. */
const AV_NAMES: Record<number, keyof Omit<NtlmInfo, 'where' | 'windowsVersion'>> = {
  1: 'netbiosComputer',
  2: 'netbiosDomain',
  3: 'dnsComputer',
  4: 'dnsDomain',
  5: 'dnsTree',
};
/** Longest name kept: AD names are at most 255 characters. */
const MAX_NAME = 255;

/** The message inside a `WWW-Authenticate: NTLM <base64>` value (or bare base64). */
export function decodeNtlmChallenge(base64: string, where: string): NtlmInfo | undefined {
  const bytes = Buffer.from(base64.trim(), 'base64');
  if (bytes.length < 48 || bytes.toString('latin1', 0, 8) !== SIGNATURE) return undefined;
  if (bytes.readUInt32LE(8) !== CHALLENGE) return undefined;
  const flags = bytes.readUInt32LE(20);
  const info: NtlmInfo = { where };
  const infoLen = bytes.readUInt16LE(40);
  const infoOffset = bytes.readUInt32LE(44);
  if (infoLen > 0 && infoOffset + infoLen <= bytes.length) readAvPairs(bytes, infoOffset, infoLen, info);
  // The VERSION structure sits at offset 48 when the flag says so and the payload starts after it.
  if (flags & NEGOTIATE_VERSION && bytes.length >= 56 && (infoLen === 0 || infoOffset >= 56)) {
    const major = bytes[48] as number;
    const minor = bytes[49] as number;
    const build = bytes.readUInt16LE(50);
    if (major > 0) info.windowsVersion = `${major}.${minor}.${build}`;
  }
  return Object.keys(info).length > 1 ? info : undefined;
}

function readAvPairs(bytes: Buffer, start: number, len: number, info: NtlmInfo): void {
  const end = start + len;
  let at = start;
  while (at + 4 <= end) {
    const id = bytes.readUInt16LE(at);
    const size = bytes.readUInt16LE(at + 2);
    at += 4;
    if (id === 0 || at + size > end) return; // MsvAvEOL, or a pair running past the block
    const field = AV_NAMES[id];
    if (field && size % 2 === 0) {
      const name = bytes.toString('utf16le', at, at + size).replace(/[\x00-\x1f\x7f]/g, '');
      if (name.length > 0) info[field] = name.slice(0, MAX_NAME);
    }
    at += size;
  }
}
