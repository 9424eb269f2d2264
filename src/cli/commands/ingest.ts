// `excensus ingest FILE...`: parses options, calls ingestIntoStore, prints records and the summary.
import { printable, storeLabel } from '../../core/printable.js';
import { once } from 'node:events';
import type { CommandContext, CommandSpec } from '../args.js';
import { bool, int, str } from '../args.js';
import {
  asOfOption,
  dbOption,
  geoChoice,
  geoOptions,
  given,
  jsonOption,
  noStoreOption,
  outputOption,
  parseAsOf,
  resumeScanOption,
  scanNameOptions,
  storeForWriting,
} from '../common-options.js';
import { openOutput } from '../io.js';
import { watchInterrupts } from '../interrupt.js';
import { UsageError } from '../../core/errors.js';
import { parseObservedAt, windowLabel, type ObservedWindow } from '../../core/time-span.js';
import { jsonLine } from '../../core/wire.js';
// The use cases this command runs, from their modules (the run/ barrel would load every use case at
// start-up); the queue's only with --queue.
import { FORMATS, ingestIntoStore } from '../../run/ingest.js';
import { openStoreForWriting } from '../../run/store.js';
import type { IngestSummary } from '../../run/index.js';

const MAX_PRINTED = 1000;

export const command: CommandSpec = {
  name: 'ingest',
  summary: 'read scan data (Shodan, Censys, ZGrab2, masscan, nmap, ShadowServer, CSV) and judge every record',
  usage:
    'excensus ingest FILE... [--format F] [--json] [-o FILE] [--as-of D] [--exchange-only]   ("-" = stdin; .gz detected)\n' +
    '       excensus ingest FILE|URL... --db postgres://... --queue [--name NAME]   (one job per input, for workers)',
  options: [
    {
      name: 'format',
      short: 'f',
      type: 'string',
      valueName: 'F',
      description: `input format (default: detected): ${FORMATS.join(', ')}`,
    },
    jsonOption,
    outputOption,
    asOfOption,
    {
      name: 'exchange-only',
      type: 'boolean',
      description: 'write only records with Exchange evidence (on-premises or suspect)',
    },
    {
      name: 'workers',
      type: 'string',
      valueName: 'N|auto',
      description:
        'worker threads for line-oriented inputs (0 = none; auto = 2 for files over 256 MB, and below that 1 beside a store, or 2 when printing without one, once a sample finds many records to judge)',
      env: 'EXCENSUS_WORKERS',
      default: 'auto',
    },
    {
      name: 'plain-rows',
      type: 'boolean',
      description:
        'store a row for every record; by default records with no Exchange marker whose source gave country and ASN are stored as counts by country and network',
    },
    {
      name: 'strict',
      type: 'boolean',
      description:
        'parse and judge every record in full, without the anchor pre-filter: slower, the same records (a check of the pre-filter); into a store every record gets a row, as with --plain-rows',
    },
    {
      name: 'observed-at',
      type: 'string',
      valueName: 'DATE',
      description:
        "when the data was observed (YYYY-MM-DD or an ISO time): overrides the records' own times, which date the scan by default",
    },
    dbOption,
    {
      name: 'queue',
      type: 'boolean',
      description:
        'distributed: one job per FILE or http(s) URL for `excensus worker`s, into one named scan (needs --db postgres://...)',
    },
    noStoreOption,
    ...scanNameOptions,
    resumeScanOption,
    ...geoOptions,
  ],
  async run(ctx) {
    const v = ctx.values;
    const files = ctx.positionals;
    if (files.length === 0) throw new UsageError('give at least one input file ("-" for stdin)');
    if (files.filter((f) => f === '-').length > 1) throw new UsageError('stdin ("-") can be read only once');
    const asOf = parseAsOf(str(v, 'as-of'));
    const observedText = str(v, 'observed-at');
    const observedAt = observedText === undefined ? undefined : parseObservedAt(observedText);
    if (observedAt === null)
      throw new UsageError(`--observed-at takes YYYY-MM-DD or an ISO time, got "${observedText}"`);
    if (bool(v, 'queue')) return enqueueInputs(ctx, files, asOf, observedAt);
    const json = bool(v, 'json');
    const out = openOutput(str(v, 'output'), ctx.stdout, bool(v, 'no-store') ? null : str(v, 'db'));
    const store = await storeForWriting(v).catch(async (err) => {
      await out.discard();
      throw err;
    });
    let printed = 0;
    let result;
    const stop = watchInterrupts();
    try {
      result = await ingestIntoStore(
        {
          files,
          asOf,
          exchangeOnly: bool(v, 'exchange-only'),
          strict: bool(v, 'strict'),
          workers: str(v, 'workers') === 'auto' ? 'auto' : (int(v, 'workers', 0) ?? 0),
          stdin: ctx.stdin,
          store,
          plainRows: bool(v, 'plain-rows'),
          geo: geoChoice(v),
          output: json ? 'records' : 'rows',
          ...given({ format: str(v, 'format'), name: str(v, 'name'), series: str(v, 'series') }),
          ...given({ resumeScan: str(v, 'resume-scan') }),
          ...(observedAt ? { observedAt } : {}),
        },
        {
          // one write per batch (awaiting the stream once per record dominated the command's time)
          onText: async (text) => {
            if (!out.stream.write(text)) await once(out.stream, 'drain');
          },
          onProblem: (p) => {
            // a garbage file must not flood the terminal: the first problems are printed, all are counted
            if (++printed <= MAX_PRINTED)
              ctx.stderr.write(`excensus ingest: ${printable(`${p.file}:${p.line}: ${p.reason}`)}\n`);
            else if (printed === MAX_PRINTED + 1)
              ctx.stderr.write(`excensus ingest: more problems: counted in the summary, not printed\n`);
          },
          onNotice: (m) => ctx.stderr.write(`excensus ingest: ${m}\n`),
          signal: stop.signal,
        },
      );
    } finally {
      stop.dispose();
      await out.close();
      await store?.close();
    }
    writeSummary(ctx.stderr, result.summary, result.emitted, json);
    if (result.failure !== undefined) {
      ctx.stderr.write(
        `excensus ingest: nothing ingested, no scan kept: ${printable(result.failure)} [E_NOTHING_READ]\n`,
      );
      return 1;
    }
    if (result.scanId !== null && !json) {
      const counted = result.countPlain
        ? ' (records without any Exchange marker as counts by country and network; --plain-rows keeps a row each)'
        : '';
      ctx.stderr.write(
        `excensus ingest: stored ${result.stored} records as scan ${result.scanId} in ${storeLabel(str(v, 'db') ?? '')}${counted}\n`,
      );
      ctx.stderr.write(
        result.observed
          ? `excensus ingest: data observed ${windowLabel(result.observed)}${result.observedGiven ? ' (--observed-at)' : " (the records' own times)"}\n`
          : `excensus ingest: no record carried a time: the scan is dated by this ingest (--observed-at sets the date)\n`,
      );
    }
    if (result.summary.interrupted) {
      const how =
        result.scanId !== null ? `--resume-scan ${result.scanId}` : '(nothing was stored: --no-store)';
      ctx.stderr.write(`excensus ingest: interrupted; run again with ${how} to continue\n`);
      return stop.exitCode() ?? 130;
    }
    const changed = result.summary.files.filter((f) => f.changed);
    if (changed.length > 0) {
      ctx.stderr.write(
        `excensus ingest: ${changed.map((f) => f.file).join(', ')} changed while read; the scan is left interrupted\n`,
      );
      return 1;
    }
    return 0;
  },
};

async function enqueueInputs(
  ctx: CommandContext,
  files: string[],
  asOf: string,
  observedAt: ObservedWindow | undefined,
): Promise<number> {
  const v = ctx.values;
  for (const o of ['resume-scan', 'no-store', 'output', 'json'])
    if (v[o] !== undefined && v[o] !== false) throw new UsageError(`--${o} does not go with --queue`);
  const db = str(v, 'db') ?? '';
  const { enqueueIngest, requireQueueUrl } = await import('../../run/distributed.js');
  requireQueueUrl(db); // before the store: a path would be made a SQLite file first
  const store = await openStoreForWriting(db);
  try {
    const r = await enqueueIngest({
      db,
      store,
      inputs: files,
      asOf,
      exchangeOnly: bool(v, 'exchange-only'),
      geo: geoChoice(v),
      ...given({ format: str(v, 'format'), name: str(v, 'name'), series: str(v, 'series') }),
      ...(observedAt ? { observedAt } : {}),
    });
    ctx.stdout.write(`${r.scan.name}\n`);
    ctx.stderr.write(
      r.existed
        ? `excensus ingest: scan "${r.scan.name}" was enqueued already; ${r.enqueued} input(s) added\n`
        : `excensus ingest: enqueued ${r.enqueued} input(s) as scan "${r.scan.name}" (id ${r.scan.id}); run \`excensus worker --db ...\` to ingest them\n`,
    );
  } finally {
    await store.close();
  }
  return 0;
}

function writeSummary(stderr: NodeJS.WritableStream, s: IngestSummary, written: number, json: boolean): void {
  if (json) {
    const obj = {
      summary: {
        records: s.records,
        written,
        exchange: s.exchange,
        suspect: s.suspect,
        problems: s.problemCount,
        by_format: s.byFormat,
        files: s.files.map((f) => ({
          file: f.file,
          format: f.format,
          gzip: f.gzip,
          records: f.records,
          problems: f.problems,
          damage: f.damage ?? null,
          observed_first: f.observed?.first ?? null,
          observed_last: f.observed?.last ?? null,
        })),
        problem_list: s.problems.map((p) => ({ file: p.file, line: p.line, reason: p.reason })),
        observed_first: s.observed?.first ?? null,
        observed_last: s.observed?.last ?? null,
      },
    };
    stderr.write(jsonLine(obj) + '\n');
    return;
  }
  const fmts = Object.entries(s.byFormat)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  stderr.write(
    `excensus ingest: ${s.records} records (${fmts || 'none'}), ${s.exchange} Exchange, ${s.suspect} suspect, ${written} written, ${s.problemCount} problem${s.problemCount === 1 ? '' : 's'}\n`,
  );
  if (s.problemCount > s.problems.length)
    stderr.write(
      `excensus ingest: (${s.problemCount - s.problems.length} problems beyond the first ${s.problems.length} not kept in the summary)\n`,
    );
}
