// The dashboard: `excensus serve` (docs/api.md for its JSON API).
export { startServer, type ServeOptions, type RunningServer } from './http.js';
