// `excensus scan TARGET...`: wiring only. Target parsing, safety, probing and ordering live in src/probe.
import { createWriteStream, readFileSync } from 'node:fs';
import { once } from 'node:events';
import { text } from 'node:stream/consumers';
import type { CommandContext, CommandSpec } from '../args.js';
import { bool, int, list, str } from '../args.js';
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
import { readLabTruthGeo } from '../lab-truth.js';
import { openOutput, writeLine, type OutputHandle } from '../io.js';
import { ConfigError, UsageError } from '../../core/errors.js';
import type { HostRecord } from '../../core/host-record.js';
import type { Observation } from '../../core/observation.js';
import { hostRecordToWire } from '../../core/wire.js';
import { judgeObservation } from '../../classify/judge.js';
import { loadRules } from '../../fingerprint/index.js';
import { loadKnowledgeBase } from '../../kb/index.js';
import {
  buildTargetSpace,
  loadBlocklist,
  loadExcludeFile,
  loadProbePlan,
  parsePorts,
  parseTargetLines,
  parseTargetSpec,
  runScan,
  type ScanSummary,
  type TargetSpec,
} from '../../probe/index.js';
import { AddressRanges } from '../../probe/address-ranges.js';
import { readResumeFile } from '../../probe/resume.js';
import { parseBytes, parseDuration, parseShard, parseUserAgent } from '../../probe/scan-options.js';
import { progressLine } from '../../probe/progress-line.js';

export const command: CommandSpec = {
  name: 'scan',
  summary:
    'probe targets non-intrusively (GET/HEAD from data/probe-plan.yaml, SMTP banner+EHLO) and judge what answers',
  usage:
    'excensus scan TARGET... [-l FILE] [-p PORTS] [--json] [-o FILE] [options]\n' +
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
    jsonOption,
    outputOption,
    asOfOption,
    dbOption,
    noStoreOption,
    ...scanNameOptions,
    resumeScanOption,
    ...geoOptions,
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

async function readSpecs(ctx: CommandContext): Promise<TargetSpec[]> {
  const specs: TargetSpec[] = [];
  ctx.positionals.forEach((p, i) => {
    const r = parseTargetSpec(p);
    if (typeof r === 'string') throw new UsageError(`argument ${i + 1} "${p}": ${r}`);
    specs.push(r);
  });
  for (const file of list(ctx.values, 'list')) {
    let body: string;
    try {
      body = file === '-' ? await text(ctx.stdin) : readFileSync(file, 'utf8');
    } catch (err) {
      throw new ConfigError('E_TARGET_FILE', `cannot read target file ${file}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const { specs: more, errors } = parseTargetLines(body, file === '-' ? 'stdin' : file);
    // Bad lines are reported, counted and skipped; the good ones are scanned.
    for (const e of errors) ctx.stderr.write(`excensus scan: ${e.where}: "${e.text}": ${e.reason}\n`);
    if (errors.length > 0)
      ctx.stderr.write(`excensus scan: ${errors.length} malformed target line(s) skipped\n`);
    specs.push(...more);
  }
  if (specs.length === 0) throw new UsageError('give at least one target (or -l FILE)');
  return specs;
}

function tableRow(r: HostRecord): string {
  const build = r.classification?.build ?? r.evidence.build ?? '-';
  const release = r.classification?.release ?? (r.isExchange ? 'Exchange (build unknown)' : '-');
  const eol = r.classification ? (r.classification.eol ? 'EOL' : 'supported') : '-';
  const open =
    r.classification?.vulns
      .filter((v) => v.status === 'vulnerable' || v.status === 'likely')
      .map((v) => v.family) ?? [];
  const addr = r.ip.includes(':') ? `[${r.ip}]:${r.port}` : `${r.ip}:${r.port}`;
  return [
    addr.padEnd(22),
    r.status.padEnd(14),
    build.padEnd(14),
    release,
    eol,
    [...new Set(open)].join(',') || '-',
  ].join('  ');
}

async function run(ctx: CommandContext): Promise<number> {
  const v = ctx.values;
  const plan = loadProbePlan();
  const ports = parsePorts(str(v, 'ports') ?? '443', plan.ports);
  if (typeof ports === 'string') throw new UsageError(`--ports: ${ports}`);
  const asOf = parseAsOf(str(v, 'as-of'));
  const shard = parseShard(str(v, 'shard') ?? '1/1');
  const seed = int(v, 'seed') ?? Math.floor(Math.random() * 2 ** 31);
  const concurrency = int(v, 'concurrency', 1) ?? 200;
  const rate = int(v, 'rate', 0) ?? 100;
  const probeTimeoutMs = parseDuration('timeout', str(v, 'timeout') ?? '5s');
  const hostTimeoutMs = parseDuration('host-timeout', str(v, 'host-timeout') ?? '20s');
  const maxBodyBytes = parseBytes('max-body', str(v, 'max-body') ?? '64k');
  const maxRedirects = int(v, 'max-redirects', 0) ?? 3;
  const json = bool(v, 'json');
  const userAgent = parseUserAgent(str(v, 'user-agent') ?? plan.userAgent);
  const exclude = new AddressRanges();
  for (const f of list(v, 'exclude')) exclude.addAll(loadExcludeFile(f));
  const specs = await readSpecs(ctx);
  const space = await buildTargetSpace(specs, ports, { blocklist: loadBlocklist(), exclude });

  const resumePath = str(v, 'resume');
  const resume = resumePath ? await readResumeFile(resumePath) : undefined;
  if (resume && resume.badLines.length > 0) {
    ctx.stderr.write(
      `excensus scan: ${resumePath}: ${resume.badLines.length} line(s) not a host record (lines ${resume.badLines.slice(0, 10).join(', ')}${resume.badLines.length > 10 ? ', ...' : ''}); their targets are probed again\n`,
    );
  }
  let out: OutputHandle;
  const outPath = str(v, 'output');
  if (resumePath && (outPath === undefined || outPath === resumePath)) {
    const stream = createWriteStream(resumePath, { flags: 'a' });
    if (resume?.needsNewline) stream.write('\n');
    out = {
      stream,
      close: async () => {
        stream.end();
        await once(stream, 'finish');
      },
    };
  } else out = openOutput(outPath, ctx.stdout);
  const asJson = json || resumePath !== undefined;

  // Many workers write at once: they share one pending 'drain' instead of one listener each.
  let drained: Promise<void> | undefined;
  const write = async (line: string): Promise<void> => {
    if (!out.stream.write(line + '\n'))
      drained ??= once(out.stream, 'drain').then(() => void (drained = undefined));
    if (drained) await drained;
  };
  const judgeCtx = { rules: loadRules(), kb: loadKnowledgeBase(), asOf };
  // Records go to the store with their observation, so `reclassify` can re-judge without re-probing.
  const observations = new WeakMap<HostRecord, Observation>();
  const startedAt = new Date().toISOString();
  const store = await storeFrom(v);
  const series =
    str(v, 'series') ??
    `scan:${ctx.positionals.join(',')}${list(v, 'list').length ? `:${list(v, 'list').join(',')}` : ''}:${str(v, 'ports') ?? '443'}`;
  const resumeRef = str(v, 'resume-scan');
  const resumed = store && resumeRef ? await findResumable(store, resumeRef, 'scan', series) : undefined;
  const labTruth = str(v, 'lab-truth');
  const recorder = await Recorder.open({
    store,
    geo: geoResolverFrom(v),
    ...(labTruth ? { geoOverrides: readLabTruthGeo(labTruth) } : {}),
    nameGiven: str(v, 'name') !== undefined,
    ...(resumed ? { resume: resumed } : {}),
    batchSize: 500,
    meta: {
      name: str(v, 'name') ?? defaultScanName('scan', 'probe', startedAt),
      kind: 'scan',
      source: 'probe',
      series,
      startedAt,
      inputs: [...ctx.positionals, ...list(v, 'list').map((f) => `@${f}`)],
      options: {
        ports: str(v, 'ports') ?? '443',
        seed,
        shard: `${shard.index}/${shard.count}`,
        rate,
        concurrency,
        as_of: asOf,
      },
    },
  });
  const skip = new Set<string>([...(resume?.done ?? []), ...(await recorder.doneTargets())]);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const started = Date.now();
  let lastDraw = 0;
  let summary: ScanSummary;
  try {
    if (!asJson)
      await writeLine(
        out.stream,
        [
          'TARGET'.padEnd(22),
          'STATUS'.padEnd(14),
          'BUILD'.padEnd(14),
          'RELEASE',
          'SUPPORT',
          'OPEN CVE FAMILIES',
        ].join('  '),
      );
    summary = await runScan(
      { space, seed, shard },
      {
        probePlan: plan,
        judge: (obs) => {
          const r = judgeObservation(obs, judgeCtx);
          observations.set(r, obs);
          return r;
        },
        concurrency,
        rate,
        probeTimeoutMs,
        hostTimeoutMs,
        maxBodyBytes,
        maxHeaderBytes: 32 * 1024,
        maxRedirects,
        userAgent,
        ...(skip.size > 0 ? { skip } : {}),
        signal: stop.signal,
        ...(ctx.stderrIsTTY
          ? {
              onProgress: (p) => {
                const now = Date.now();
                if (now - lastDraw < 200 && p.done < p.total) return;
                lastDraw = now;
                ctx.stderr.write(`\r${progressLine(p.done, p.total, p.inFlight, now - started)}\x1b[K`);
              },
            }
          : {}),
      },
      async (r) => {
        const observation = observations.get(r);
        await recorder.add([observation ? { record: r, observation } : { record: r }]); // adds geo in place
        await write(asJson ? JSON.stringify(hostRecordToWire(r)) : tableRow(r));
      },
    );
    await recorder.finish(summary.interrupted ? 'interrupted' : 'complete');
  } catch (err) {
    await recorder.finish('interrupted').catch(() => {});
    throw err;
  } finally {
    await store?.close();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await out.close();
  }
  if (ctx.stderrIsTTY) ctx.stderr.write('\r\x1b[K');
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
  if (store && recorder.scanId !== null) {
    ctx.stderr.write(
      `excensus scan: stored ${recorder.written} records as scan ${recorder.scanId} in ${str(v, 'db')}\n`,
    );
  }
  if (summary.interrupted) {
    const how = resumePath
      ? `--resume ${resumePath}`
      : recorder.scanId !== null
        ? `--resume-scan ${recorder.scanId}`
        : '--resume FILE';
    ctx.stderr.write(`excensus scan: interrupted; run again with ${how} --seed ${seed} to continue\n`);
    return 1;
  }
  return 0;
}
