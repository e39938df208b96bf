/*
 * `warren status [--json]`: per pipeline, messages ready, unacked, consumers, delayed and
 * dead-lettered, as the driver reports them (warren.inspect). Never prints broker credentials.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatConnections, formatStatus, formatStatusJson, type StatusRow } from '../output/format-status.js';
import { configOption } from '../runtime/config-path.js';
import { assertReachablePipeline, isReachablePipeline } from '../runtime/assert-reachable-pipeline.js';
import { withWarren } from '../runtime/open-warren.js';
import { parseListOption } from '../runtime/parse-options.js';

interface StatusOptions {
  readonly config: string;
  readonly json?: boolean;
  readonly pipelines?: string;
}

export function registerStatusCommand(program: Command, context: CliContext): void {
  program
    .command('status')
    .description('show queue depth, consumers, delayed and dead-lettered counts per pipeline')
    .addOption(configOption())
    .option('--pipelines <names>', 'only these pipelines (comma-separated)')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: StatusOptions) => {
      const { rows, drivers } = await withWarren(context.io, { config: options.config, loadModules: false }, async (warren) => {
        const names = options.pipelines === undefined ? Object.keys(warren.config.jobs.pipelines) : parseListOption(options.pipelines);
        const result: StatusRow[] = [];
        for (const name of names) {
          if (options.pipelines === undefined && !isReachablePipeline(warren, name)) {
            context.io.err(`note: pipeline "${name}" uses an in-process driver; its queues live inside the worker and cannot be shown here`);
            continue;
          }
          if (options.pipelines !== undefined) assertReachablePipeline(warren, name, 'status');
          // A scan finds the delay queues other processes declared (this one declared none).
          const stats = await warren.inspect(name, { scanDelayQueues: true });
          result.push({ ...stats, driver: warren.config.jobs.pipelines[name]?.driver ?? 'unknown' });
        }
        return { rows: result, drivers: warren.health().drivers };
      });
      const lines = options.json ? [formatStatusJson(rows, drivers)] : [...formatStatus(rows), ...formatConnections(drivers)];
      for (const line of lines) context.io.out(line);
    });
}
