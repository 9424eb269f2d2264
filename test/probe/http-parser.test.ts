import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseParser } from '../../src/probe/http-parser.js';

const limits = { maxHeaderBytes: 1024, maxBodyBytes: 64 };

function feed(p: ResponseParser, text: string | Buffer, step = 0): boolean {
  const buf = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  if (step === 0) return p.push(buf);
  let done = false;
  for (let i = 0; i < buf.length && !done; i += step) done = p.push(buf.subarray(i, i + step));
  return done;
}

test('content-length body, headers keep their spelling and order, keep-alive', () => {
  for (const step of [0, 1, 7]) {
    const p = new ResponseParser(limits, false);
    const done = feed(
      p,
      'HTTP/1.1 401 Unauthorized\r\nX-OWA-Version: 15.2.1118.7\r\nWWW-Authenticate: NTLM\r\nwww-authenticate: Negotiate\r\nContent-Length: 5\r\n\r\nhello',
      step,
    );
    assert.ok(done);
    const r = p.result();
    assert.equal(r.status, 401);
    assert.deepEqual(r.headers.slice(0, 3), [
      ['X-OWA-Version', '15.2.1118.7'],
      ['WWW-Authenticate', 'NTLM'],
      ['www-authenticate', 'Negotiate'],
    ]);
    assert.equal(r.body.toString(), 'hello');
    assert.equal(r.keepAlive, true);
  }
});

test('chunked body with extensions and trailers', () => {
  for (const step of [0, 1, 3]) {
    const p = new ResponseParser(limits, false);
    assert.ok(
      feed(
        p,
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n',
        step,
      ),
    );
    assert.equal(p.result().body.toString(), 'hello world');
    assert.equal(p.result().keepAlive, true);
  }
});

test('body over the limit is cut and marked truncated; the connection is not reused', () => {
  const p = new ResponseParser(limits, false);
  assert.ok(feed(p, `HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(100)}`));
  const r = p.result();
  assert.equal(r.body.length, 64);
  assert.equal(r.truncated, true);
  assert.equal(r.keepAlive, false);
});

test('close-delimited body ends at end of stream; HTTP/1.0 is not kept alive', () => {
  const p = new ResponseParser(limits, false);
  assert.equal(feed(p, 'HTTP/1.0 200 OK\r\n\r\nabc'), false);
  p.end();
  assert.equal(p.state, 'done');
  assert.equal(p.result().body.toString(), 'abc');
  assert.equal(p.result().keepAlive, false);
});

test('HEAD, 204 and 304 have no body; 100 Continue is skipped', () => {
  const head = new ResponseParser(limits, true);
  assert.ok(feed(head, 'HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n'));
  assert.equal(head.result().body.length, 0);
  const cont = new ResponseParser(limits, false);
  assert.ok(
    feed(
      cont,
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 302 Found\r\nLocation: /owa/\r\nContent-Length: 0\r\n\r\n',
    ),
  );
  assert.equal(cont.result().status, 302);
});

test('garbage, oversized heads and broken framing are errors, not exceptions', () => {
  const cases: Array<[string | Buffer, RegExp]> = [
    [Buffer.from([0, 255, 0x53, 0x53, 0x48, 1, 2, 3]), /not HTTP/],
    ['SSH-2.0-OpenSSH_9.6\r\n', /not HTTP/],
    [`HTTP/1.1 200 OK\r\nX: ${'a'.repeat(2000)}`, /exceeds 1024/],
    ['HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n', /Content-Length/],
    ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /chunk size/],
    ['HTTP/2 200\r\n\r\n', /not HTTP/],
  ];
  for (const [input, re] of cases) {
    const p = new ResponseParser(limits, false);
    assert.ok(feed(p, input), String(input).slice(0, 20));
    assert.equal(p.state, 'error');
    assert.match(p.error, re);
  }
  const cut = new ResponseParser(limits, false);
  feed(cut, 'HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
  cut.end();
  assert.equal(cut.state, 'error');
  const silent = new ResponseParser(limits, false);
  silent.end();
  assert.match(silent.error, /before any response byte/);
});
