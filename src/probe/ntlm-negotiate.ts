// The one NTLM message the scanner may send: an anonymous NEGOTIATE (MS-NLMP 2.2.1.1) with no
// domain or workstation, as nmap's http-ntlm-info does. The server's CHALLENGE names it; the
// scanner never answers it, so no logon is attempted.

// UNICODE | OEM | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY | VERSION | 128 | 56
const FLAGS = 0xa2088207;

function negotiateMessage(): Buffer {
  const m = Buffer.alloc(40);
  m.write('NTLMSSP\0', 0, 'latin1');
  m.writeUInt32LE(1, 8); // NEGOTIATE_MESSAGE
  m.writeUInt32LE(FLAGS, 12);
  // Domain and workstation fields (16..31) stay empty; VERSION (32..39) says nothing but the revision.
  m[39] = 15; // NTLMSSP_REVISION_W2K3
  return m;
}

/** The Authorization header value, e.g. "NTLM TlRMTVNTUAAB...". */
export const NTLM_NEGOTIATE_HEADER = `NTLM ${negotiateMessage().toString('base64')}`;
