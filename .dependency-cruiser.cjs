// The dependency rule of src/ (docs/architecture.md), checked by `npm run lint:deps` in `npm test`.
// Layers, top to bottom; a folder imports only folders listed for it, and nothing forms a cycle:
//   cli, server                      delivery: parse input, call use cases, present results
//                                    (cli starts the server for `excensus serve`)
//   run                              use cases (scanIntoStore, ingestIntoStore, census, ...)
//   queue                            distributed scans: job queue (pg-boss) and shard rows
//   probe, ingest, report, lab       the pipeline's steps and the simulated fleet
//   classify                         pure judgement (evidence + knowledge base + date)
//   fingerprint, geo, store          rules engine, geolocation, persistence
//   kb, core                         knowledge base; shared types, errors and small utilities
const LAYERS = {
  cli: ['run', 'server', 'core'],
  server: ['run', 'report', 'core'],
  run: ['queue', 'probe', 'ingest', 'report', 'lab', 'classify', 'fingerprint', 'geo', 'store', 'kb', 'core'],
  queue: ['store', 'core'],
  probe: ['classify', 'fingerprint', 'geo', 'kb', 'core'],
  ingest: ['classify', 'fingerprint', 'geo', 'store', 'kb', 'core'],
  report: ['classify', 'geo', 'store', 'kb', 'core'],
  lab: ['core'],
  classify: ['fingerprint', 'kb', 'core'],
  fingerprint: ['core'],
  geo: ['core'],
  store: ['core'],
  kb: ['core'],
  core: [],
};

const folders = Object.keys(LAYERS);
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle: split the shared part into a module both can import.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    ...folders.map((f) => ({
      name: `layer-${f}`,
      severity: 'error',
      comment: `src/${f} may import only ${LAYERS[f].length ? LAYERS[f].map((t) => `src/${t}`).join(', ') : 'nothing else in src'} (see docs/architecture.md)`,
      from: { path: `^src/${f}/` },
      to: { path: `^src/(?!(?:${[f, ...LAYERS[f]].join('|')})/)` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
