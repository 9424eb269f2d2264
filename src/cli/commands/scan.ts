// `excensus scan TARGET...`: parses options, calls scanIntoStore, prints each record and the summary.
import { printable, storeLabel } from '../../core/printable.js';
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import type { CommandContext, CommandSpec } from '../args.js';
import { bool, int, list, str } from '../args.js';
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
  textLayout,
} from '../common-options.js';
import { watchInterrupts } from '../interrupt.js';
import { refuseStoreAsOutput } from '../io.js';
import { hostJsonLine } from '../../core/wire.js';
import { runQueuedScan } from './scan-queue.js';
import { openScanOutput } from './scan-output.js';
import {
  checkPorts,
  DEFAULT_CONFIRM_ABOVE,
  formatScanPlan,
  planScan,
  type ScanPlan,
  parseBytes,
  parseDuration,
  parseShard,
  parseUserAgent,
  formatHostRow,
  hostRowHeader,
  progressLine,
  readLabTruthGeo,
  readResumeFile,
  readTargets,
  scanIntoStore,
} from '../../run/index.js';
import { ProgressLine } from '../progress.js';

export const command: CommandSpec = {
  name: 'scan',
  summary:
    'probe targets non-intrusively (GET/HEAD from data/probe-plan.yaml, SMTP banner+EHLO) and judge what answers',
  usage:
    'excensus scan TARGET... [-l FILE] [-p PORTS] [--json] [-o FILE] [options]\n' +
    '       excensus scan TARGET... --db postgres://... --queue [--shards N] [--rate R] [--name NAME] [--wait]\n' +
    '  TARGET: IP, CIDR (v4/v6), range a-b, or host name (sent as SNI and Host).\n' +
    '  Ports: 443/8443 and any other bare number = HTTPS (falls back to HTTP if the port speaks plain HTTP),\n' +
    '         80/8080 = HTTP, 25/587 = SMTP; or say it: https:PORT, http:PORT, smtp:PORT.\n' +
    '  The IANA special-purpose blocklist (data/blocklist.txt) is always on; loopback targets are allowed\n' +
    '  only when the target itself lies in 127.0.0.0/8 or ::1.',
  options: [
    {
      name: 'list',
      short: 'l',
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: 'read targets from FILE, one or more per line ("-" = stdin)',
    },
    {
      name: 'ports',
      short: 'p',
      type: 'string',
      valueName: 'PORTS',
      default: '443',
      description: 'ports, comma-separated (see above)',
    },
    {
      name: 'exclude',
      type: 'string',
      multiple: true,
      valueName: 'FILE',
      description: 'more ranges never to connect to (CIDR, IP or a-b per line); adds to the blocklist',
    },
    {
      name: 'seed',
      type: 'string',
      valueName: 'N',
      description: 'seed of the target order (default: random; printed in the summary)',
    },
    {
      name: 'shard',
      type: 'string',
      valueName: 'i/N',
      default: '1/1',
      description: 'scan only shard i of N of the seeded order (same seed on every shard)',
    },
    {
      name: 'rate',
      type: 'string',
      valueName: 'N',
      default: '100',
      description: 'new hosts per second (0 = no limit)',
    },
    {
      name: 'concurrency',
      type: 'string',
      valueName: 'N',
      default: '200',
      description: 'hosts in flight at once',
    },
    {
      name: 'timeout',
      type: 'string',
      valueName: 'DUR',
      default: '5s',
      description: 'deadline per connection and per request',
    },
    {
      name: 'host-timeout',
      type: 'string',
      valueName: 'DUR',
      default: '20s',
      description: "deadline for all of a host's probes",
    },
    {
      name: 'max-body',
      type: 'string',
      valueName: 'BYTES',
      default: '64k',
      description: 'read at most this much of each response body',
    },
    {
      name: 'max-redirects',
      type: 'string',
      valueName: 'N',
      default: '3',
      description: 'redirects followed per request (same host only)',
    },
    {
      name: 'user-agent',
      type: 'string',
      valueName: 'UA',
      env: 'EXCENSUS_USER_AGENT',
      description: 'User-Agent (default: identifying, with a contact URL, from data/probe-plan.yaml)',
    },
    {
      name: 'resume',
      type: 'string',
      valueName: 'FILE',
      description: 'skip targets already in FILE (JSON Lines of an earlier run) and append the rest to it',
    },
    {
      name: 'dry-run',
      type: 'boolean',
      description: 'print the target count, ports, rate, estimated duration and exclusions; send nothing',
    },
    {
      name: 'yes',
      short: 'y',
      type: 'boolean',
      description: 'scan a target set over --confirm-above without asking',
    },
    {
      name: 'confirm-above',
      type: 'string',
      valueName: 'N',
      default: String(DEFAULT_CONFIRM_ABOVE),
      description: 'ip:port targets above which a scan asks first (on a terminal) or needs --yes',
    },
    jsonOption,
    outputOption,
    asOfOption,
    dbOption,
    noStoreOption,
    ...scanNameOptions,
    resumeScanOption,
    ...geoOptions,
    {
      name: 'batch',
      type: 'string',
      valueName: 'N',
      default: '500',
      description: 'records per store transaction (a distributed shard checkpoints after each)',
    },
    {
      name: 'queue',
      type: 'boolean',
      description:
        'distributed: enqueue the scan for `excensus worker`s (needs --db postgres://...), print its name and return',
    },
    {
      name: 'shards',
      type: 'string',
      valueName: 'N',
      default: '1',
      description: 'with --queue: split the scan into N shards, each with rate/N',
    },
    {
      name: 'wait',
      type: 'boolean',
      description: 'with --queue: follow the scan until every shard is done (exit 1 if any failed)',
    },
    {
      name: 'lab-truth',
      type: 'string',
      valueName: 'FILE',
      description:
        'ground truth of `excensus lab` (JSON Lines): its made-up geo/ASN is attached to lab addresses',
    },
  ],
  run,
};

async function run(ctx: CommandContext): Promise<number> {
  const v = ctx.values;
  const ports = str(v, 'ports') ?? '443';
  checkPorts(ports);
  const asOf = parseAsOf(str(v, 'as-of'));
  const shard = parseShard(str(v, 'shard') ?? '1/1');
  const seed = int(v, 'seed') ?? Math.floor(Math.random() * 2 ** 31);
  const probeTimeoutMs = parseDuration('timeout', str(v, 'timeout') ?? '5s');
  const hostTimeoutMs = parseDuration('host-timeout', str(v, 'host-timeout') ?? '20s');
  const maxBodyBytes = parseBytes('max-body', str(v, 'max-body') ?? '64k');
  const userAgent = str(v, 'user-agent');
  if (userAgent !== undefined) parseUserAgent(userAgent);
  const targets = await readTargets(ctx.positionals, list(v, 'list'), ctx.stdin);
  // Bad lines are reported, counted and skipped; the good ones are scanned.
  for (const e of targets.badLines)
    ctx.stderr.write(`excensus scan: ${printable(`${e.where}: "${e.text}": ${e.reason}`)}\n`);
  if (targets.badLines.length > 0)
    ctx.stderr.write(`excensus scan: ${targets.badLines.length} malformed target line(s) skipped\n`);
  const plan = await planScan({
    targets: targets.specs,
    ports,
    rate: int(v, 'rate', 0) ?? 100,
    excludeFiles: list(v, 'exclude'),
  });
  if (bool(v, 'dry-run')) {
    ctx.stdout.write(`${formatScanPlan(plan)}\nnothing sent (--dry-run)\n`);
    return 0;
  }
  const confirmAbove = int(v, 'confirm-above', 0) ?? DEFAULT_CONFIRM_ABOVE;
  if (plan.targets > confirmAbove && !bool(v, 'yes') && !(await confirmLarge(ctx, plan, confirmAbove)))
    return 2;
  if (bool(v, 'queue'))
    return runQueuedScan(ctx, {
      targets: targets.specs,
      inputs: targets.inputs,
      ports,
      seed,
      asOf,
      probeTimeoutMs,
      hostTimeoutMs,
      maxBodyBytes,
      userAgent,
    });
  const resumePath = str(v, 'resume');
  const resume = resumePath ? await readResumeFile(resumePath) : undefined;
  if (resume && resume.badLines.length > 0) {
    ctx.stderr.write(
      `excensus scan: ${resumePath}: ${resume.badLines.length} line(s) not a host record (lines ${resume.badLines.slice(0, 10).join(', ')}${resume.badLines.length > 10 ? ', ...' : ''}); their targets are probed again\n`,
    );
  }
  const db = bool(v, 'no-store') ? null : str(v, 'db');
  if (resumePath) refuseStoreAsOutput(resumePath, db, '--resume');
  const outPath = str(v, 'output');
  const out = openScanOutput(ctx, outPath, resumePath, resume?.needsNewline ?? false, db);
  const asJson = bool(v, 'json') || resumePath !== undefined;
  const toStdout = out.stream === ctx.stdout;
  const layout = textLayout(ctx, toStdout ? undefined : (outPath ?? ''));
  const progress = ctx.stderrIsTTY ? new ProgressLine(ctx.stderr) : null;
  // rows on the terminal the progress line is on: it steps aside for each row
  const sharesTerminal = progress !== null && toStdout && ctx.stdoutIsTTY;
  // Many hosts finish at once: they share one pending 'drain' instead of one listener each.
  let drained: Promise<void> | undefined;
  const write = async (line: string): Promise<void> => {
    if (!out.stream.write(line + '\n'))
      drained ??= once(out.stream, 'drain').then(() => void (drained = undefined));
    if (drained) await drained;
  };
  const labTruth = str(v, 'lab-truth');
  const stop = watchInterrupts();
  const started = Date.now();
  let lastDraw = 0;
  let headed = false;
  const store = await storeForWriting(v).catch(async (err) => {
    await out.discard();
    throw err;
  });
  let result;
  try {
    result = await scanIntoStore(
      {
        targets: targets.specs,
        inputs: targets.inputs,
        ports,
        seed,
        shard,
        rate: int(v, 'rate', 0) ?? 100,
        concurrency: int(v, 'concurrency', 1) ?? 200,
        probeTimeoutMs,
        hostTimeoutMs,
        maxBodyBytes,
        maxRedirects: int(v, 'max-redirects', 0) ?? 3,
        excludeFiles: list(v, 'exclude'),
        batchSize: int(v, 'batch', 1) ?? 500,
        asOf,
        store,
        geo: geoChoice(v),
        ...(resume ? { skip: resume.done } : {}),
        ...(labTruth ? { geoOverrides: readLabTruthGeo(labTruth) } : {}),
        ...given({
          userAgent,
          name: str(v, 'name'),
          series: str(v, 'series'),
          resumeScan: str(v, 'resume-scan'),
        }),
      },
      {
        signal: stop.signal,
        onNotice: (m) => ctx.stderr.write(`excensus scan: ${printable(m)}\n`),
        onRecord: (r) => {
          // the header comes with the first row: a scan that fails first prints none
          const head = asJson || headed ? '' : `${hostRowHeader(layout)}\n`;
          headed = true;
          const line = head + (asJson ? hostJsonLine(r) : formatHostRow(r, layout));
          return sharesTerminal ? progress.around(() => write(line)) : write(line);
        },
        ...(progress
          ? {
              onProgress: (p) => {
                const now = Date.now();
                if (now - lastDraw < 200 && p.done < p.total) return;
                lastDraw = now;
                progress.draw(progressLine(p.done, p.total, p.inFlight, now - started));
              },
            }
          : {}),
      },
    );
  } finally {
    await store?.close();
    stop.dispose();
    await out.close();
  }
  const { summary } = result;
  progress?.clear();
  const counts = Object.entries(summary.byStatus)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  ctx.stderr.write(
    `excensus scan: seed ${seed} shard ${shard.index}/${shard.count}: ${summary.probed} probed in ${(summary.elapsedMs / 1000).toFixed(1)} s` +
      (summary.resumedSkipped ? `, ${summary.resumedSkipped} already done (resume)` : '') +
      (summary.excludedAddresses
        ? `, ${summary.excludedAddresses} addresses excluded by the blocklist/--exclude (not connected to)`
        : '') +
      (counts ? ` — ${counts}` : '') +
      '\n',
  );
  if (result.scanId !== null) {
    ctx.stderr.write(
      `excensus scan: stored ${result.stored} records as scan ${result.scanId} in ${storeLabel(str(v, 'db') ?? '')}\n`,
    );
  }
  if (summary.interrupted) {
    const how = resumePath
      ? `--resume ${resumePath}`
      : result.scanId !== null
        ? `--resume-scan ${result.scanId}`
        : '--resume FILE';
    ctx.stderr.write(`excensus scan: interrupted; run again with ${how} --seed ${seed} to continue\n`);
    return stop.exitCode() ?? 130;
  }
  return 0;
}

/** A scan over the limit: asked on a terminal; elsewhere it needs --yes. */
async function confirmLarge(ctx: CommandContext, plan: ScanPlan, limit: number): Promise<boolean> {
  const what = `${plan.targets.toLocaleString('en-US')} targets, more than --confirm-above ${limit.toLocaleString('en-US')}`;
  const stdin = ctx.stdin as NodeJS.ReadStream;
  if (!stdin.isTTY || !ctx.stderrIsTTY) {
    ctx.stderr.write(`excensus scan: ${what}: add --yes to scan them (--dry-run shows the plan)\n`);
    return false;
  }
  ctx.stderr.write(`${formatScanPlan(plan)}\nexcensus scan: ${what}. Scan? [y/N] `);
  const rl = createInterface({ input: stdin, output: ctx.stderr as NodeJS.WritableStream });
  const answer = await new Promise<string>((resolve) => rl.question('', resolve));
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}
