// Small parsers for the capture formats in test/fixtures/artifacts: nuclei markdown reports,
// nikto text output, nmap normal output, SMTP telnet transcripts, PowerShell header dumps,
// Apache "Header always set" lines and recog example lines.

export interface ParsedHttp {
  path: string;
  status: number;
  headers: Array<[string, string]>;
  body: string;
}

/** The fenced ```http block that follows a **Request** / **Response** label. */
function fencedBlock(text: string, label: string): string | undefined {
  const start = text.indexOf(`**${label}**\n\`\`\`http\n`);
  if (start < 0) return undefined;
  const from = text.indexOf('\n', text.indexOf('```http', start)) + 1;
  const end = text.indexOf('\n```', from);
  return end < 0 ? undefined : text.slice(from, end);
}

/** Request path, response status, headers (names as printed) and body of a nuclei report. */
export function parseNucleiCapture(text: string): ParsedHttp {
  const req = fencedBlock(text, 'Request');
  const res = fencedBlock(text, 'Response');
  if (!req || !res) throw new Error('not a nuclei capture: Request/Response blocks missing');
  const path = /^[A-Z]+ (\S+) HTTP\/\d\.\d/.exec(req)?.[1] ?? '';
  const split = res.indexOf('\n\n');
  const head = split < 0 ? res : res.slice(0, split);
  const body = split < 0 ? '' : res.slice(split + 2);
  const [statusLine = '', ...headerLines] = head.split('\n');
  const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? 0);
  const headers = headerLines.map((l): [string, string] => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  });
  return { path, status, headers, body };
}

/** Nikto reports header names and values per request path; statuses are not printed. */
export function parseNiktoHeaders(text: string): Map<string, Array<[string, string]>> {
  const byPath = new Map<string, Array<[string, string]>>();
  const patterns = [
    /^\+ GET (\S+?): Uncommon header '([^']+)' found, with contents: (.*?)\.?$/,
    /^\+ GET (\S+?): Retrieved (\S+) header: (.*?)\.?$/,
  ];
  for (const line of text.split('\n')) {
    for (const re of patterns) {
      const m = re.exec(line);
      if (!m) continue;
      const list = byPath.get(m[1]!) ?? [];
      list.push([m[2]!, m[3]!]);
      byPath.set(m[1]!, list);
    }
  }
  return byPath;
}

/** Server header and certificate names nmap printed for one port. */
export function parseNmapPort(text: string, port: number): { server?: string; cn?: string; names: string[] } {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${port}/tcp`));
  if (start < 0) throw new Error(`port ${port} not in nmap output`);
  const out: { server?: string; cn?: string; names: string[] } = { names: [] };
  for (const l of lines.slice(start + 1)) {
    if (/^\d+\/tcp/.test(l) || !l.startsWith('|')) break;
    const server = /http-server-header: (.+)$/.exec(l);
    if (server) out.server = server[1]!.trim();
    const cn = /ssl-cert: Subject: commonName=([^/\s]+)/.exec(l);
    if (cn) out.cn = cn[1]!;
    const san = /Subject Alternative Name: (.+)$/.exec(l);
    if (san) for (const d of san[1]!.split(',')) out.names.push(d.trim().replace(/^DNS:/, ''));
  }
  return out;
}

/** Greeting and EHLO reply of a telnet SMTP session. */
export function parseSmtpTranscript(text: string): { smtp?: string; ehlo?: string } {
  const lines = text.split('\n');
  const smtp = lines.find((l) => /^220[ -]/.test(l));
  const ehloAt = lines.findIndex((l) => /^EHLO /i.test(l));
  const ehlo: string[] = [];
  for (const l of lines.slice(ehloAt + 1)) {
    if (!/^250[ -]/.test(l)) break;
    ehlo.push(l);
    if (l.startsWith('250 ')) break;
  }
  const out: { smtp?: string; ehlo?: string } = {};
  if (smtp) out.smtp = smtp;
  if (ehlo.length) out.ehlo = ehlo.join('\n');
  return out;
}

/** "Name {Value}" lines as PowerShell prints a header dictionary. */
export function parsePowerShellHeaders(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const l of text.split('\n')) {
    const m = /^([A-Za-z0-9-]+) \{(.*)\}?$/.exec(l);
    if (m && !l.startsWith('#')) out.push([m[1]!, m[2]!.replace(/\}$/, '')]);
  }
  return out;
}

/** `Header always set Name "Value"` lines of an Apache config excerpt. */
export function parseApacheHeaderLines(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const l of text.split('\n')) {
    const m = /Header always set (\S+) "([^"]*)"/.exec(l);
    if (m) out.push([m[1]!, m[2]!]);
  }
  return out;
}

export interface RecogExample {
  ref: string; // "smtp_banners.xml:222"
  description: string;
  example: string;
}

export function parseRecogExamples(text: string): RecogExample[] {
  const out: RecogExample[] = [];
  for (const l of text.split('\n')) {
    if (l.startsWith('#') || !l.includes('\t')) continue;
    const [ref = '', description = '', , example = ''] = l.split('\t');
    out.push({ ref, description, example });
  }
  return out;
}
