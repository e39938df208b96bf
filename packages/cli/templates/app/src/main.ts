/*
 * The worker's entry point: `warren run` in this very process (`npm start`, or `node dist/main.js`
 * under a supervisor or in a container). Run it with node directly in production: npm does not pass
 * SIGTERM on to the script it started, so the graceful drain would never begin.
 * Arguments are those of `warren run`, e.g. `node dist/main.js --pipelines emails --port 9400`.
 */
import { runCli } from '@warren/cli';

const exitCode = await runCli([process.argv[0] ?? 'node', 'warren', 'run', ...process.argv.slice(2)]);
process.exit(exitCode);
