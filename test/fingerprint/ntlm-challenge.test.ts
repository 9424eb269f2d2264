// The NTLM CHALLENGE decoder (MS-NLMP 2.2.1.2): names and version read, bad input refused quietly.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodeNtlmChallenge } from '../../src/fingerprint/ntlm-challenge.js';
import { judgeObservation } from '../../src/classify/judge.js';
import { loadRules } from '../../src/fingerprint/index.js';
import { loadKnowledgeBase } from '../../src/kb/index.js';
import { challengeMessage } from '../../src/lab/ntlm.js';

const A9 = {
  netbiosComputer: 'WIN-12OUO7A66M7',
  netbiosDomain: 'THM',
  dnsComputer: 'WIN-12OUO7A66M7.thm.local',
  dnsDomain: 'thm.local',
  dnsTree: 'thm.local',
};

describe('decodeNtlmChallenge', () => {
  it('reads the target info names and the Windows version', () => {
    const b64 = challengeMessage({ ...A9, version: '10.0.17763' }).toString('base64');
    assert.deepEqual(decodeNtlmChallenge(b64, 'here'), {
      where: 'here',
      ...A9,
      windowsVersion: '10.0.17763',
    });
  });

  it('without the VERSION flag: names only', () => {
    const info = decodeNtlmChallenge(challengeMessage(A9).toString('base64'), 'x');
    assert.equal(info?.windowsVersion, undefined);
    assert.equal(info?.dnsComputer, 'WIN-12OUO7A66M7.thm.local');
  });

  it('refuses a NEGOTIATE, a cut message, garbage and a pair that runs past its block', () => {
    assert.equal(
      decodeNtlmChallenge('TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==', 'x'),
      undefined,
    );
    const whole = challengeMessage({ ...A9, version: '6.3.9600' });
    assert.equal(decodeNtlmChallenge(whole.subarray(0, 40).toString('base64'), 'x'), undefined);
    assert.equal(decodeNtlmChallenge('not base64 at all!', 'x'), undefined);
    const bad = Buffer.from(whole);
    bad.writeUInt16LE(0xffff, 56 + 6 + 2); // first AV pair's length
    const info = decodeNtlmChallenge(bad.toString('base64'), 'x');
    assert.equal(info?.netbiosDomain, undefined);
    assert.equal(info?.windowsVersion, '6.3.9600');
  });
});

describe('NTLM host info in a host record', () => {
  it('an Exchange 401 with a CHALLENGE gets evidence.ntlm and its Windows judged on the as-of date', () => {
    const challenge = challengeMessage({ ...A9, version: '6.3.9600' }).toString('base64');
    const r = judgeObservation(
      {
        ip: '192.0.2.1',
        port: 443,
        timestamp: '2024-01-01T00:00:00Z',
        source: 'probe',
        status: 'ok',
        http: [
          {
            path: '/EWS/Exchange.asmx',
            status: 401,
            headers: [
              ['Server', 'Microsoft-IIS/8.5'],
              ['request-id', '63e030bd-2d23-4b7a-87d2-59201f534748'],
              ['WWW-Authenticate', `NTLM ${challenge}`],
              ['X-OWA-Version', '15.1.2507.35'],
            ],
          },
        ],
      },
      { rules: loadRules(), kb: loadKnowledgeBase(), asOf: '2024-01-01' },
    );
    assert.equal(r.status, 'exchange');
    assert.equal(r.evidence.ntlm?.dnsComputer, 'WIN-12OUO7A66M7.thm.local');
    assert.deepEqual(r.windows, {
      version: '6.3.9600',
      product: 'Windows Server 2012 R2',
      endOfSupport: '2023-10-10',
      unsupported: true,
    });
    // The signal shows the version, never the internal names.
    const sig = r.evidence.signals.find((s) => s.rule === 'ntlm-challenge');
    assert.equal(sig?.value, '6.3.9600');
  });
});
