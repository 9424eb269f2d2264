// `excensus ingest FILE...`: wiring only. Reading, judging and batching live in src/ingest.
import type { CommandSpec } from '../args.js';
import { bool, int, str } from '../args.js';
import {
  asOfOption,
  dbOption,
  jsonOption,
  noStoreOption,
  outputOption,
  parseAsOf,
} from '../common-options.js';
import {
  Recorder,
  defaultScanName,
  findResumable,
  geoOptions,
  geoResolverFrom,
  resumeScanOption,
  scanNameOptions,
  storeFrom,
} from '../recorder.js';
import { once } from 'node:events';
import { openOutput } from '../io.js';
import { UsageError } from '../../core/errors.js';
import { hostRecordToWire } from '../../core/wire.js';
import { ingestFiles, type IngestSummary } from '../../ingest/pipeline.js';
import { FORMATS } from '../../ingest/types.js';

const MAX_PRINTED = 1000;

export const command: CommandSpec = {
  name: 'ingest',
  summary: 'read scan data (Shodan, Censys, ZGrab2, masscan, nmap, ShadowServer, CSV) and judge every record',
  usage:
    'excensus ingest FILE... [--format F] [--json] [-o FILE] [--as-of D] [--exchange-only]   ("-" = stdin; .gz detected)',
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
      description: 'worker threads for line-oriented inputs (0 = none; auto = 2 for files over 256 MB)',
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
        'parse and judge every record (no anchor pre-filter): slower, and catches corruption inside records the pre-filter would skip',
    },
    dbOption,
    noStoreOption,
    ...scanNameOptions,
    resumeScanOption,
    ...geoOptions,
  ],
  async run(ctx) {
    const files = ctx.positionals;
    if (files.length === 0) throw new UsageError('give at least one input file ("-" for stdin)');
    if (files.filter((f) => f === '-').length > 1) throw new UsageError('stdin ("-") can be read only once');
    const asOf = parseAsOf(str(ctx.values, 'as-of'));
    const json = bool(ctx.values, 'json');
    const startedAt = new Date().toISOString();
    const store = await storeFrom(ctx.values);
    const series = str(ctx.values, 'series') ?? `ingest:${str(ctx.values, 'format') ?? 'auto'}`;
    const resumeRef = str(ctx.values, 'resume-scan');
    const resume = store && resumeRef ? await findResumable(store, resumeRef, 'ingest', series) : undefined;
    // A resumed ingest keeps the way its scan began (scans from before counting kept a row each):
    // mixing the two would store some targets twice, once as a row and once in the counts.
    const countPlain =
      store !== null && (resume ? resume.options.count_plain === true : !bool(ctx.values, 'plain-rows'));
    if (resume && bool(ctx.values, 'plain-rows') === countPlain) {
      ctx.stderr.write(
        `excensus ingest: scan "${resume.name}" ${countPlain ? 'counts' : 'keeps a row for'} records without an Exchange marker; the resumed run does the same\n`,
      );
    }
    const recorder = await Recorder.open({
      store,
      countPlain,
      geo: geoResolverFrom(ctx.values),
      nameGiven: str(ctx.values, 'name') !== undefined,
      ...(resume ? { resume } : {}),
      meta: {
        name:
          str(ctx.values, 'name') ??
          defaultScanName('ingest', str(ctx.values, 'format') ?? 'auto', startedAt),
        kind: 'ingest',
        source: str(ctx.values, 'format') ?? 'auto',
        series,
        startedAt,
        inputs: files,
        options: { exchange_only: bool(ctx.values, 'exchange-only'), as_of: asOf, count_plain: countPlain },
      },
    });
    const out = openOutput(str(ctx.values, 'output'), ctx.stdout);
    let written = 0;
    let printed = 0;
    let summary: IngestSummary;
    try {
      summary = await ingestFiles(
        files,
        {
          ...(str(ctx.values, 'format') !== undefined ? { format: str(ctx.values, 'format') } : {}),
          asOf,
          exchangeOnly: bool(ctx.values, 'exchange-only'),
          noPrefilter: bool(ctx.values, 'strict'),
          // the readers count plain records themselves when nobody prints them (else the recorder does)
          tallyPlain: countPlain && !json,
          workers: str(ctx.values, 'workers') === 'auto' ? 'auto' : (int(ctx.values, 'workers', 0) ?? 0),
          stdin: ctx.stdin,
          // the store keeps observations so `reclassify` can re-judge without re-scanning
          keepObservations: store !== null,
          // records only stored and printed as table rows need not carry their whole evidence between threads
          slimRecords: store !== null && !json,
          defaultTimestamp: new Date().toISOString(),
          onProblem: (p) => {
            // a garbage file must not flood the terminal: the first problems are printed, all are counted
            if (++printed <= MAX_PRINTED)
              ctx.stderr.write(`excensus ingest: ${p.file}:${p.line}: ${p.reason}\n`);
            else if (printed === MAX_PRINTED + 1)
              ctx.stderr.write(`excensus ingest: more problems: counted in the summary, not printed\n`);
          },
        },
        async (batch, plain) => {
          await recorder.add(batch, plain); // enriches geo in place, then stores in batches
          // One write per batch: awaiting the stream once per record dominated the command's time.
          let text = '';
          for (const h of batch) {
            const r = h.record;
            text += json
              ? JSON.stringify(hostRecordToWire(r))
              : [
                  r.ip,
                  r.port,
                  r.status,
                  r.evidence.build ?? '-',
                  r.classification?.release ?? '-',
                  r.geo?.country ?? '-',
                  r.asn ? `AS${r.asn.number}` : '-',
                ].join('\t');
            text += '\n';
          }
          written += batch.length;
          if (text && !out.stream.write(text)) await once(out.stream, 'drain');
        },
      );
      await recorder.finish('complete');
    } catch (err) {
      await recorder.finish('interrupted').catch(() => {});
      throw err;
    } finally {
      await out.close();
      await store?.close();
    }
    writeSummary(ctx.stderr, summary, written, json);
    if (store && recorder.scanId !== null && !json) {
      const counted = countPlain
        ? ' (records without any Exchange marker as counts by country and network; --plain-rows keeps a row each)'
        : '';
      ctx.stderr.write(
        `excensus ingest: stored ${recorder.written} records as scan ${recorder.scanId} in ${str(ctx.values, 'db')}${counted}\n`,
      );
    }
    return 0;
  },
};

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
        })),
        problem_list: s.problems.map((p) => ({ file: p.file, line: p.line, reason: p.reason })),
      },
    };
    stderr.write(JSON.stringify(obj) + '\n');
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
