// A greeting-and-EHLO SMTP server: enough for banner grabbing, never accepts mail.
import type { Socket } from 'node:net';
import type { SmtpDialect } from './fleet-data.js';

const MAX_LINE = 4096;
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Fri, 5 Aug 2016 16:24:41 +0000", the date shape of the Exchange greeting. */
export function smtpDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(/\{([a-z]+)\}/g, (m, k: string) => vars[k] ?? m);
}

export function serveSmtp(sock: Socket, dialect: SmtpDialect, fqdn: string): void {
  const vars = { fqdn, date: smtpDate(new Date()), client: sock.remoteAddress ?? '127.0.0.1' };
  const send = (line: string): void => {
    if (!sock.destroyed) sock.write(fill(line, vars) + '\r\n');
  };
  send(dialect.banner);
  let buf = '';
  sock.setEncoding('latin1');
  sock.on('data', (chunk: string) => {
    buf += chunk;
    if (buf.length > MAX_LINE && !buf.includes('\n')) {
      send('500 5.5.2 Line too long');
      sock.end();
      return;
    }
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      if (!answer(line)) return;
    }
  });

  function answer(line: string): boolean {
    const verb = line.split(' ')[0]?.toUpperCase() ?? '';
    switch (verb) {
      case 'EHLO': {
        const lines = dialect.ehlo;
        lines.forEach((l, i) => send(`250${i === lines.length - 1 ? ' ' : '-'}${l}`));
        return true;
      }
      case 'HELO':
        send(dialect.helo);
        return true;
      case 'NOOP':
        send(dialect.noop);
        return true;
      case 'RSET':
        send(dialect.rset);
        return true;
      case 'STARTTLS':
        send(dialect.starttls);
        return true;
      case 'QUIT':
        send(dialect.quit);
        sock.end();
        return false;
      default:
        send(dialect.unknown);
        return true;
    }
  }
}
