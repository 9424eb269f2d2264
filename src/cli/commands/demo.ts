// `excensus demo`: the whole pipeline on one machine with nothing to set up. Starts the lab fleet on
// loopback, scans it into a fresh SQLite store, prints the census, writes the HTML report, stops the lab.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import type { CommandContext, CommandSpec } from '../args.js';
import { int, str } from '../args.js';
import { asOfOption, parseAsOf } from '../common-options.js';
import { UsageError } from '../../core/errors.js';
import { startLab } from '../../lab/index.js';
import { isPostgresUrl } from '../../store/index.js';
import { truthToWire } from '../../lab/truth-wire.js';

const DEFAULT_DB = './excensus-demo.db';
const DEFAULT_HTML = './excensus-demo.html';

export const command: CommandSpec = {
  name: 'demo',
  summary:
    'start the lab fleet on loopback, scan it into a fresh SQLite store, print the census, write the HTML report',
  usage: 'excensus demo [--count N] [--seed N] [--db FILE] [--html FILE]',
  options: [
    {
      name: 'count',
      type: 'string',
      valueName: 'N',
      default: '256',
      description: 'lab hosts (loopback addresses)',
    },
    {
      name: 'seed',
      type: 'string',
      valueName: 'N',
      default: '7',
      description: 'lab and scan seed: the same seed gives the same census',
    },
    {
      name: 'base',
      type: 'string',
      valueName: 'IP',
      default: '127.88.0.1',
      description: 'first lab address (inside 127.0.0.0/8)',
    },
    {
      name: 'port',
      type: 'string',
      valueName: 'N',
      default: '18443',
      description: 'HTTPS port of the lab hosts',
    },
    {
      name: 'smtp-port',
      type: 'string',
      valueName: 'N',
      default: '18025',
      description: 'SMTP port of the lab hosts',
    },
    {
      name: 'db',
      type: 'string',
      valueName: 'FILE',
      default: DEFAULT_DB,
      description: 'SQLite store to create (must not exist, except the default, which is recreated)',
    },
    {
      name: 'html',
      type: 'string',
      valueName: 'FILE',
      default: DEFAULT_HTML,
      description: 'where to write the HTML report',
    },
    asOfOption,
  ],
  run,
};

/** Swallows output we do not want on the terminal (the per-host scan table). */
const discard = (): Writable => new Writable({ write: (_c, _e, cb) => cb() });

async function run(ctx: CommandContext): Promise<number> {
  const v = ctx.values;
  const count = int(v, 'count', 1) ?? 256;
  const seed = int(v, 'seed', 0) ?? 7;
  const port = int(v, 'port', 1) ?? 18443;
  const smtpPort = int(v, 'smtp-port', 1) ?? 18025;
  const asOf = parseAsOf(str(v, 'as-of'));
  const db = str(v, 'db') ?? DEFAULT_DB;
  const html = str(v, 'html') ?? DEFAULT_HTML;
  if (isPostgresUrl(db))
    throw new UsageError(
      'the demo makes a fresh SQLite file; use `excensus scan --db postgres://...` for PostgreSQL',
    );
  if (existsSync(db)) {
    if (resolve(db) !== resolve(DEFAULT_DB))
      throw new UsageError(
        `${db} exists; the demo only writes a fresh store (remove it or pick another --db)`,
      );
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(db + suffix, { force: true });
  }
  const { main } = await import('../main.js');
  const say = (line: string): void => void ctx.stderr.write(`excensus demo: ${line}\n`);

  const lab = await startLab({
    seed,
    count,
    base: str(v, 'base') ?? '127.88.0.1',
    httpsPort: port,
    smtpPort,
    mix: 'realistic',
  });
  const work = mkdtempSync(join(tmpdir(), 'excensus-demo-'));
  try {
    const truth = join(work, 'truth.jsonl');
    const targets = join(work, 'targets.txt');
    writeFileSync(truth, lab.hosts.map((h) => JSON.stringify(truthToWire(h))).join('\n') + '\n');
    writeFileSync(targets, [...new Set(lab.hosts.map((h) => h.ip))].join('\n') + '\n');
    say(
      `lab fleet up: ${lab.hosts.length} hosts on loopback (${lab.hosts[0]?.ip} ...), HTTPS :${port}, SMTP :${smtpPort}`,
    );

    // HTTPS only: the census counts ip:port records, and the same server's SMTP port would count it twice.
    const scanArgs = [
      'scan',
      '-l',
      targets,
      '-p',
      String(port),
      '--db',
      db,
      '--name',
      `demo-seed-${seed}`,
      '--series',
      'demo',
      '--lab-truth',
      truth,
      '--seed',
      String(seed),
      '--rate',
      '0',
      '--concurrency',
      '128',
      '--timeout',
      '2s',
      '--host-timeout',
      '6s',
      '--as-of',
      asOf,
    ];
    const scanned = await main(scanArgs, {
      stdout: discard(),
      stderr: ctx.stderr,
      env: ctx.env,
      stderrIsTTY: ctx.stderrIsTTY,
      stdoutIsTTY: false,
    });
    if (scanned !== 0) return scanned;

    const reported = await main(['report', '--db', db, '--as-of', asOf], {
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      env: ctx.env,
      stdoutIsTTY: ctx.stdoutIsTTY,
      stderrIsTTY: ctx.stderrIsTTY,
    });
    if (reported !== 0) return reported;
    const wroteHtml = await main(['report', '--db', db, '--as-of', asOf, '--format', 'html', '-o', html], {
      stdout: discard(),
      stderr: ctx.stderr,
      env: ctx.env,
    });
    if (wroteHtml !== 0) return wroteHtml;
    say(`HTML report: ${html}`);
    say(
      `store: ${db} — try \`excensus report --db ${db} --by country\` or \`excensus notify --db ${db} --by asn --out bundles/\``,
    );
    return 0;
  } finally {
    await lab.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
