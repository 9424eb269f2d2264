// Process entry used by tests and `tsx src/cli/run.ts`; the published bin goes through dist.
import { main } from './main.js';

// Exit quietly when the reader of stdout goes away (`| head`).
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
