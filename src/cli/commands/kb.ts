// `excensus kb update | status | diff`: keep the knowledge base current from Microsoft's and CISA's
// published data, say which one is in use, and compare two of them.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CommandContext, CommandSpec } from '../args.js';
import { bool, list, str } from '../args.js';
import { jsonOption } from '../common-options.js';
import { writeLine } from '../io.js';
import { UsageError } from '../../core/errors.js';
import { updateKnowledgeBase, type KbUpdateResult, type Origin } from '../../run/kb-update.js';
import { formatKbStatus, kbStatus } from '../../run/kb-status.js';
import { formatKbDiff, kbDiff, type KbDiff } from '../../run/kb-diff.js';

function diffToWire(d: KbDiff): Record<string, unknown> {
  return {
    from: d.from,
    to: d.to,
    added_builds: d.addedBuilds,
    changed_builds: d.changedBuilds,
    removed_builds: d.removedBuilds,
    added_cves: d.addedCves.map((c) => ({ cve: c.cve, family: c.family, fixed_in: c.fixedIn })),
    changed_cves: d.changedCves.map((c) => ({
      cve: c.cve,
      family: c.family,
      fixed_in: c.fixedIn,
      changes: c.changes,
    })),
    removed_cves: d.removedCves.map((c) => c.cve),
    kev_added: d.kevAdded.map((k) => ({ cve: k.cve, date_added: k.dateAdded, ransomware: k.ransomware })),
    lifecycle: d.lifecycle,
    removals: d.removals,
  };
}

function origin(ctx: CommandContext): Origin {
  const from = str(ctx.values, 'from');
  const mirror = str(ctx.values, 'mirror');
  if (from !== undefined && mirror !== undefined)
    throw new UsageError('give --from DIR or --mirror URL, not both');
  if (from !== undefined) {
    if (!existsSync(from) || !statSync(from).isDirectory())
      throw new UsageError(`--from: no directory "${from}"`);
    return { kind: 'dir', dir: resolve(from) };
  }
  if (mirror !== undefined) {
    if (!/^https?:\/\/[^/]/.test(mirror))
      throw new UsageError(`--mirror must be an http:// or https:// URL, got "${mirror}"`);
    return { kind: 'mirror', base: mirror };
  }
  return { kind: 'live' };
}

async function printUpdate(ctx: CommandContext, r: KbUpdateResult): Promise<number> {
  const err = (line: string): boolean => ctx.stderr.write(`excensus kb update: ${line}\n`);
  if (bool(ctx.values, 'json')) {
    await writeLine(
      ctx.stdout,
      JSON.stringify({
        schema_version: 1,
        status: r.status,
        version: r.version,
        previous: r.previous,
        dir: r.dir,
        counts: r.counts,
        diff: r.diff ? diffToWire(r.diff) : null,
        failures: r.failures,
        errors: r.errors,
        skipped: r.skipped,
        notes: r.notes,
      }),
    );
  }
  for (const f of r.failures) err(`${f.source}: ${f.message} [${f.code}]`);
  for (const e of r.errors) err(e);
  for (const s of r.skipped) err(`skipped: ${s}`);
  if (bool(ctx.values, 'verbose')) for (const n of r.notes) err(`note: ${n}`);
  else if (r.notes.length)
    err(
      `${r.notes.length} differences between sources were reported and settled (--verbose lists them; so does manifest.json)`,
    );
  if (r.status === 'failed' || r.status === 'refused') {
    err(
      `${r.status === 'failed' ? 'a source failed' : 'refused'}; nothing written, the knowledge base in use is still ${r.previous}`,
    );
    return 1;
  }
  if (!bool(ctx.values, 'json')) {
    const c = r.counts!;
    const head =
      r.status === 'dry-run'
        ? `would update ${r.previous} -> ${r.version}`
        : r.status === 'unchanged'
          ? `already current: ${r.version} (checked now)`
          : `updated the knowledge base: ${r.previous} -> ${r.version}`;
    ctx.stdout.write(`${head} (${c.builds} builds, ${c.cves} CVEs, ${c.kev} in KEV)\n`);
    for (const line of formatKbDiff(r.diff!)) ctx.stdout.write(`  ${line}\n`);
    if (r.dir) ctx.stdout.write(`  written to ${r.dir}\n`);
  }
  if (r.pinned) err(`EXCENSUS_KB pins "${r.pinned}": commands keep using it until it is unset`);
  return 0;
}

export const command: CommandSpec = {
  name: 'kb',
  summary:
    'Keep the knowledge base current: `update` rebuilds it from Microsoft and CISA data (or --from DIR / --mirror URL), `status` says which one is in use and how old, `diff [A] [B]` compares two (default: bundled and in use).',
  usage:
    'excensus kb update [--from DIR | --mirror URL] [--cvrf IDS] [--allow-removals] [--dry-run] | status | diff [A] [B]  [--json]',
  options: [
    {
      name: 'from',
      type: 'string',
      valueName: 'DIR',
      description: 'update: read saved copies of the sources from DIR (offline)',
    },
    {
      name: 'mirror',
      type: 'string',
      valueName: 'URL',
      description: 'update: download the sources from this base URL instead of the public ones',
    },
    {
      name: 'cvrf',
      type: 'string',
      multiple: true,
      valueName: 'IDS',
      description:
        'update: read these MSRC documents (e.g. 2026-Jun, comma-separated) instead of all since the configured first',
    },
    {
      name: 'allow-removals',
      type: 'boolean',
      description: 'update: accept sources that drop builds, CVEs, fixes or KEV flags the KB in use has',
    },
    { name: 'dry-run', type: 'boolean', description: 'update: build, check and compare, but write nothing' },
    { name: 'verbose', type: 'boolean', description: 'update: list every difference between sources' },
    jsonOption,
  ],
  async run(ctx) {
    const [sub, ...args] = ctx.positionals;
    if (sub === 'update') {
      if (args.length) throw new UsageError(`kb update takes no arguments, got "${args.join(' ')}"`);
      const cvrf = list(ctx.values, 'cvrf').flatMap((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
      for (const id of cvrf)
        if (!/^\d{4}-[A-Z][a-z]{2}$/.test(id))
          throw new UsageError(`--cvrf: "${id}" is not a document id like 2026-Jun`);
      const r = await updateKnowledgeBase({
        env: ctx.env,
        origin: origin(ctx),
        cvrf: cvrf.length ? cvrf : undefined,
        allowRemovals: bool(ctx.values, 'allow-removals'),
        dryRun: bool(ctx.values, 'dry-run'),
        now: ctx.now,
      });
      return printUpdate(ctx, r);
    }
    if (sub === 'status') {
      if (args.length) throw new UsageError(`kb status takes no arguments, got "${args.join(' ')}"`);
      const r = kbStatus({ env: ctx.env, pin: ctx.kbPin, today: ctx.now().toISOString().slice(0, 10) });
      if (bool(ctx.values, 'json'))
        await writeLine(
          ctx.stdout,
          JSON.stringify({
            schema_version: 1,
            version: r.version,
            origin: r.origin,
            chosen_by: r.chosenBy,
            dir: r.dir,
            data_date: r.dataDate,
            date: r.date,
            age_days: r.ageDays,
            last_patch_tuesday: r.lastPatchTuesday,
            stale: r.stale,
            note: r.note,
            counts: r.counts,
            sources: r.sources,
            bundled_version: r.bundledVersion,
            versions: r.versions.map((v) => ({
              version: v.version,
              created_at: v.createdAt,
              checked_at: v.checkedAt,
              current: v.current,
            })),
          }),
        );
      else for (const line of formatKbStatus(r)) ctx.stdout.write(`${line}\n`);
      return 0;
    }
    if (sub === 'diff') {
      if (args.length > 2) throw new UsageError('kb diff takes at most two knowledge bases');
      const d = kbDiff({ env: ctx.env, a: args[0], b: args[1] ?? ctx.kbPin });
      if (bool(ctx.values, 'json'))
        await writeLine(ctx.stdout, JSON.stringify({ schema_version: 1, ...diffToWire(d) }));
      else {
        ctx.stdout.write(`${d.from} -> ${d.to}\n`);
        for (const line of formatKbDiff(d)) ctx.stdout.write(`  ${line}\n`);
      }
      return 0;
    }
    throw new UsageError(
      sub === undefined
        ? 'say update, status or diff'
        : `unknown kb command "${sub}": update, status or diff`,
    );
  },
};
