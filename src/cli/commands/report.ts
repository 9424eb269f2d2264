// `excensus report`: census tables, JSON Lines, CSV, Markdown, HTML, host CSV, trends.
import type { CommandSpec } from '../args.js';
import { bool, int, list, str } from '../args.js';
import {
  storedAsOfOption,
  columnChoice,
  dbOption,
  given,
  jsonOption,
  outputOption,
  parseAsOf,
  tableOptions,
  textLayout,
} from '../common-options.js';
import { openOutput, refuseStoreAsOutput } from '../io.js';
import { UsageError } from '../../core/errors.js';
// From their modules: the run/ barrel would load every use case at start-up.
import {
  REPORT_FORMATS,
  parseFilter,
  parseGroupBy,
  writeHostsCsv,
  writeReport,
  type ReportFormat,
} from '../../run/report.js';
import { openStoreForReading } from '../../run/store.js';

const listOpt = (name: string, valueName: string, description: string) => ({
  name,
  type: 'string' as const,
  multiple: true,
  valueName,
  description,
});

export const command: CommandSpec = {
  name: 'report',
  summary: 'census report from the store: by continent, country, ASN, product, CVE family',
  usage:
    'excensus report [--scan REF] [--by KEY[,KEY]] [filters] [--format table|json|csv|md|html|hosts] [--columns COL,...|--wide] [-o FILE]',
  options: [
    { name: 'scan', type: 'string', valueName: 'REF', description: 'scan id or name (default: the latest)' },
    listOpt('by', 'KEY[,KEY]', 'group by continent, country, asn, product, release, eol, family, status'),
    listOpt('product', 'NAME', 'only this product, e.g. "Exchange Server 2016"'),
    { name: 'eol', type: 'boolean', description: 'only servers past end of support' },
    listOpt('family', 'NAME', 'only servers open to this CVE family'),
    listOpt('country', 'CC', 'only these countries (ISO alpha-2)'),
    listOpt('continent', 'CODE|NAME', 'only these continents'),
    listOpt('asn', 'N', 'only these AS numbers'),
    listOpt('status', 'S', 'only records with this status (exchange, suspect, timeout, ...)'),
    storedAsOfOption,
    {
      name: 'format',
      type: 'string',
      valueName: 'FMT',
      description: `output format: ${REPORT_FORMATS.join(', ')}`,
      default: 'table',
    },
    jsonOption,
    outputOption,
    ...tableOptions,
    { name: 'trend', type: 'boolean', description: "headline counts across all scans of the scan's series" },
    {
      name: 'hosts-csv',
      type: 'string',
      valueName: 'FILE',
      description: 'also write every host (ShadowServer columns + ours) to FILE',
    },
    { name: 'top', type: 'string', valueName: 'N', description: 'countries in the headline', default: '10' },
    dbOption,
  ],
  async run(ctx) {
    const v = ctx.values;
    const format = (bool(v, 'json') ? 'json' : (str(v, 'format') ?? 'table')) as ReportFormat;
    if (!REPORT_FORMATS.includes(format))
      throw new UsageError(`--format must be one of ${REPORT_FORMATS.join(', ')}, got "${format}"`);
    const asOf = parseAsOf(str(v, 'as-of'));
    const groupBy = parseGroupBy(list(v, 'by'));
    const filter = parseFilter({
      product: list(v, 'product'),
      family: list(v, 'family'),
      country: list(v, 'country'),
      continent: list(v, 'continent'),
      asn: list(v, 'asn'),
      status: list(v, 'status'),
      eol: bool(v, 'eol'),
    });
    const topCountries = int(v, 'top', 1) ?? 10;
    const db = str(v, 'db');
    const hostsCsv = str(v, 'hosts-csv');
    if (hostsCsv !== undefined) refuseStoreAsOutput(hostsCsv, db, '--hosts-csv');
    const store = await openStoreForReading(db);
    try {
      const out = openOutput(str(v, 'output'), ctx.stdout, db);
      try {
        const scanRef = str(v, 'scan');
        await writeReport(
          store,
          {
            ...(scanRef !== undefined ? { scan: scanRef } : {}),
            groupBy,
            filter,
            asOf,
            asOfGiven: str(v, 'as-of') !== undefined,
            format,
            trend: bool(v, 'trend'),
            topCountries,
            columns: columnChoice(v),
            layout: textLayout(ctx, str(v, 'output')),
          },
          out.stream,
        );
      } finally {
        await out.close();
      }
      if (hostsCsv !== undefined) {
        const file = openOutput(hostsCsv, ctx.stdout, db, '--hosts-csv');
        const n = await writeHostsCsv(
          store,
          { ...given({ scan: str(v, 'scan') }), filter, asOf },
          file.stream,
        );
        await file.close();
        if (hostsCsv !== '-')
          ctx.stderr.write(`excensus report: wrote ${n} records (one per address and port) to ${hostsCsv}\n`);
      }
    } finally {
      await store.close();
    }
    return 0;
  },
};
