// Incremental, bounded HTTP/1.1 response parser: status line and headers up to a byte
// limit, then a content-length, chunked or close-delimited body up to a byte limit.
// Anything that is not HTTP becomes an error value, never an exception.

export interface ParsedResponse {
  status: number;
  reason: string;
  headers: Array<[string, string]>;
  body: Buffer;
  /** The body went on past the limit; the rest was not read (the connection is closed). */
  truncated: boolean;
  /** The server allows another request on this connection. */
  keepAlive: boolean;
  /** The response broke off after its head (reset, bad chunk...): kept, with the reason. */
  error?: string;
}

export interface ParserLimits {
  maxHeaderBytes: number;
  maxBodyBytes: number;
}

type State =
  | 'head'
  | 'length'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-crlf'
  | 'trailers'
  | 'until-close'
  | 'done'
  | 'error';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const HTTP_PREFIX = Buffer.from('HTTP/');
const MAX_CHUNK_LINE = 1024;

export class ResponseParser {
  state: State = 'head';
  error = '';
  status = 0;
  reason = '';
  headers: Array<[string, string]> = [];
  private pending: Buffer = Buffer.alloc(0);
  private bodyParts: Buffer[] = [];
  private bodyBytes = 0;
  private remaining = 0;
  private truncated = false;
  private keepAlive = false;
  private headSeen = 0;

  constructor(
    private readonly limits: ParserLimits,
    private readonly isHead: boolean,
  ) {}

  /** Feeds bytes; returns true when the response is complete or failed. */
  push(chunk: Buffer): boolean {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.state !== 'done' && this.state !== 'error' && this.pending.length > 0) {
      if (!this.step()) break;
    }
    return this.state === 'done' || this.state === 'error';
  }

  /** The peer closed the connection. */
  end(): void {
    if (this.state === 'until-close') this.state = 'done';
    else if (this.state === 'head' && this.headSeen + this.pending.length === 0)
      this.fail('connection closed before any response byte');
    else if (this.state !== 'done' && this.state !== 'error')
      this.fail(`connection closed mid-response (${this.state})`);
  }

  result(): ParsedResponse {
    return {
      status: this.status,
      reason: this.reason,
      headers: this.headers,
      body: this.bodyParts.length === 1 ? (this.bodyParts[0] as Buffer) : Buffer.concat(this.bodyParts),
      truncated: this.truncated,
      keepAlive: this.keepAlive && !this.truncated && this.state === 'done',
    };
  }

  private fail(why: string): void {
    this.state = 'error';
    this.error = why;
  }

  /** One step of the state machine; false when more bytes are needed. */
  private step(): boolean {
    switch (this.state) {
      case 'head':
        return this.readHead();
      case 'length': {
        const n = Math.min(this.remaining, this.pending.length);
        this.addBody(this.pending.subarray(0, n));
        this.pending = this.pending.subarray(n);
        this.remaining -= n;
        if (this.remaining === 0 && this.state === 'length') this.state = 'done';
        return true;
      }
      case 'until-close':
        this.addBody(this.pending);
        this.pending = Buffer.alloc(0);
        return true;
      case 'chunk-size':
      case 'chunk-crlf':
      case 'trailers':
        return this.readChunkLine();
      case 'chunk-data': {
        const n = Math.min(this.remaining, this.pending.length);
        this.addBody(this.pending.subarray(0, n));
        this.pending = this.pending.subarray(n);
        this.remaining -= n;
        if (this.remaining === 0 && this.state === 'chunk-data') this.state = 'chunk-crlf';
        return true;
      }
      default:
        return false;
    }
  }

  private addBody(b: Buffer): void {
    const room = this.limits.maxBodyBytes - this.bodyBytes;
    if (b.length > room) {
      if (room > 0) this.bodyParts.push(b.subarray(0, room));
      this.bodyBytes += Math.max(room, 0);
      this.truncated = true;
      this.state = 'done';
      return;
    }
    // Socket chunks are fresh buffers of at most one read: keeping slices of them is safe and bounded.
    if (b.length > 0) this.bodyParts.push(b);
    this.bodyBytes += b.length;
  }

  private readHead(): boolean {
    let end = this.pending.indexOf(CRLFCRLF);
    let sepLen = 4;
    if (end < 0) {
      // Some servers end lines with a bare LF.
      end = this.pending.indexOf('\n\n');
      sepLen = 2;
    }
    if (end < 0) {
      if (this.pending.length > this.limits.maxHeaderBytes)
        this.fail(`response head exceeds ${this.limits.maxHeaderBytes} bytes`);
      else if (this.pending.length >= 5 && this.pending.compare(HTTP_PREFIX, 0, 5, 0, 5) !== 0)
        this.fail(notHttp(this.pending));
      return false;
    }
    if (end > this.limits.maxHeaderBytes) {
      this.fail(`response head exceeds ${this.limits.maxHeaderBytes} bytes`);
      return false;
    }
    const head = this.pending.toString('latin1', 0, end);
    this.headSeen += end + sepLen;
    this.pending = this.pending.subarray(end + sepLen);
    const lines = head.split(/\r?\n/);
    const m = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/.exec(lines[0] ?? '');
    if (!m) {
      this.fail(notHttp(Buffer.from(head, 'latin1')));
      return false;
    }
    const minor = m[1];
    this.status = Number(m[2]);
    this.reason = m[3] ?? '';
    this.headers = [];
    let length: number | undefined;
    let chunked = false;
    let close = minor === '0';
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i] as string;
      const colon = line.indexOf(':');
      if (colon <= 0) continue; // obsolete folding or junk: skip the line, keep the response
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      this.headers.push([name, value]);
      const lower = name.toLowerCase();
      if (lower === 'content-length') {
        if (!/^\d{1,15}$/.test(value)) {
          this.fail(`bad Content-Length "${value.slice(0, 40)}"`);
          return false;
        }
        length = Number(value);
      } else if (lower === 'transfer-encoding') chunked = /chunked/i.test(value);
      else if (lower === 'connection') {
        if (/close/i.test(value)) close = true;
        else if (/keep-alive/i.test(value)) close = false;
      }
    }
    // 1xx interim responses precede the real one.
    if (this.status >= 100 && this.status < 200 && this.status !== 101) {
      this.headers = [];
      return true;
    }
    if (this.isHead || this.status === 204 || this.status === 304) {
      this.state = 'done';
      this.keepAlive = !close;
    } else if (chunked) {
      this.state = 'chunk-size';
      this.keepAlive = !close;
    } else if (length !== undefined) {
      this.remaining = length;
      this.state = length === 0 ? 'done' : 'length';
      this.keepAlive = !close;
    } else {
      this.state = 'until-close';
      this.keepAlive = false;
    }
    return true;
  }

  private readChunkLine(): boolean {
    const nl = this.pending.indexOf('\n');
    if (nl < 0) {
      if (this.pending.length > MAX_CHUNK_LINE) this.fail('chunk line too long');
      return false;
    }
    const line = this.pending.toString('latin1', 0, nl).replace(/\r$/, '');
    this.pending = this.pending.subarray(nl + 1);
    if (this.state === 'chunk-crlf') {
      if (line !== '') this.fail('missing CRLF after chunk data');
      else this.state = 'chunk-size';
    } else if (this.state === 'trailers') {
      if (line === '') this.state = 'done';
    } else {
      const m = /^([0-9a-fA-F]{1,12})(?:;.*)?$/.exec(line.trim());
      if (!m) this.fail(`bad chunk size "${line.slice(0, 40)}"`);
      else {
        this.remaining = parseInt(m[1] as string, 16);
        this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
      }
    }
    return true;
  }
}

function notHttp(bytes: Buffer): string {
  const sample = bytes
    .subarray(0, 24)
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, '.');
  return `not HTTP: "${sample}"`;
}
