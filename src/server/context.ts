// What a route handler gets and gives back.
import type { ServerResponse } from 'node:http';
import type { DistributedScanState, Store } from '../run/index.js';

export interface Ctx {
  store: Store;
  url: URL;
  params: URLSearchParams;
  /** Today's date (YYYY-MM-DD): the default as-of date. */
  today: string;
  res: ServerResponse;
  /** Whether a token guards the server (pages then offer a way out of the session). */
  guarded: boolean;
  /** Shard states of distributed scans (empty for a store without a job queue). */
  shards: () => Promise<DistributedScanState[]>;
}

/** A whole response, or 'streamed' when the handler wrote it itself. */
export type Reply = Whole | 'streamed';

export interface Whole {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}
