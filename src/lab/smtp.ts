// A greeting-and-EHLO SMTP server with STARTTLS: enough for banner grabbing and certificate
// reading, never accepts mail.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
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

/**
 * Serves one SMTP session. `tls`: the host's certificate, for STARTTLS (a 220 `starttls` reply)
 * and for implicit TLS (`implicit`: the session starts with the handshake, as on 465).
 */
export function serveSmtp(
  raw: Socket,
  dialect: SmtpDialect,
  fqdn: string,
  tls?: SecureContext,
  implicit = false,
): void {
  if (implicit && tls) {
    const secure = new TLSSocket(raw, { isServer: true, secureContext: tls });
    secure.on('error', () => secure.destroy());
    secure.once('secure', () => session(secure, dialect, fqdn, undefined, true));
    return;
  }
  session(raw, dialect, fqdn, tls, true);
}

function session(
  sock: Socket,
  dialect: SmtpDialect,
  fqdn: string,
  tls: SecureContext | undefined,
  greet: boolean,
): void {
  const vars = { fqdn, date: smtpDate(new Date()), client: sock.remoteAddress ?? '127.0.0.1' };
  const send = (line: string): void => {
    if (!sock.destroyed) sock.write(fill(line, vars) + '\r\n');
  };
  if (greet) send(dialect.banner);
  let buf = '';
  sock.setEncoding('latin1');
  const onData = (chunk: string): void => {
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
  };
  sock.on('data', onData);

  function answer(line: string): boolean {
    const verb = line.split(' ')[0]?.toUpperCase() ?? '';
    switch (verb) {
      case 'EHLO': {
        // Over TLS the offer of STARTTLS is gone.
        const lines = sock instanceof TLSSocket ? dialect.ehlo.filter((l) => l !== 'STARTTLS') : dialect.ehlo;
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
      case 'STARTTLS': {
        const upgrade =
          tls !== undefined && dialect.starttls.startsWith('220') && !(sock instanceof TLSSocket);
        if (!upgrade) {
          send(dialect.starttls.startsWith('220') ? '454 4.7.0 TLS not available' : dialect.starttls);
          return true;
        }
        send(dialect.starttls);
        // Hand the connection to TLS: the plain session stops reading; a fresh one starts, no greeting.
        sock.removeListener('data', onData);
        const secure = new TLSSocket(sock, { isServer: true, secureContext: tls });
        secure.on('error', () => secure.destroy());
        secure.once('secure', () => session(secure, dialect, fqdn, undefined, false));
        return false;
      }
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
