/*
 * `warren status [--json]`: per pipeline, messages ready, unacked, consumers, delayed and
 * dead-lettered, as the driver reports them (warren.inspect); the consumption breaker states a running worker
 * reports on its /health (--worker, default this config's http.port); then each schedule with its next run and the
 * process holding its scheduler. Never prints broker credentials.
 */
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { formatBreakers, formatConnections, formatStatus, formatStatusJson, type StatusRow } from '../output/format-status.js';
import { formatSchedules } from '../output/format-schedules.js';
import { defaultWorkerUrl, readWorkerBreakers } from '../runtime/read-worker-breakers.js';
import { scheduleRows } from '../runtime/schedule-rows.js';
import { configOption } from '../runtime/config-path.js';
import { assertReachablePipeline, isReachablePipeline } from '../runtime/assert-reachable-pipeline.js';
import { withWarren } from '../runtime/open-warren.js';
import { parseListOption } from '../runtime/parse-options.js';

interface StatusOptions {
  readonly config: string;
  readonly json?: boolean;
  readonly pipelines?: string;
  readonly worker?: string;
}

export function registerStatusCommand(program: Command, context: CliContext): void {
  program
    .command('status')
    .description('show queue depth, consumers, delayed and dead-lettered counts per pipeline')
    .addOption(configOption())
    .option('--pipelines <names>', 'only these pipelines (comma-separated)')
    .option('--json', 'print JSON instead of a table')
    .option('--worker <url>', 'a running worker whose consumption breakers to show (default: http://127.0.0.1:<http.port>)')
    .action(async (options: StatusOptions) => {
      const hidden: string[] = [];
      const { rows, drivers, workerUrl, schedules } = await withWarren(context.io, { config: options.config, loadModules: false }, async (warren) => {
        const names = options.pipelines === undefined ? Object.keys(warren.config.jobs.pipelines) : parseListOption(options.pipelines);
        const result: StatusRow[] = [];
        for (const name of names) {
          if (options.pipelines === undefined && !isReachablePipeline(warren, name)) {
            context.io.err(`note: pipeline "${name}" uses an in-process driver; its queues live inside the worker and cannot be shown here`);
            hidden.push(name);
            continue;
          }
          if (options.pipelines !== undefined) assertReachablePipeline(warren, name, 'status');
          // A scan finds the delay queues other processes declared (this one declared none).
          const stats = await warren.inspect(name, { scanDelayQueues: true });
          result.push({ ...stats, driver: warren.config.jobs.pipelines[name]?.driver ?? 'unknown' });
        }
        const schedules = await scheduleRows(warren, result.map((row) => row.pipeline));
        return { rows: result, drivers: warren.health().drivers, workerUrl: options.worker ?? defaultWorkerUrl(warren.config), schedules };
      });
      const breakers = workerUrl === undefined ? undefined : await readWorkerBreakers(workerUrl);
      const lines = options.json
        ? [formatStatusJson(rows, drivers, { breakers, schedules })]
        : [...formatStatus(rows, hidden), ...formatConnections(drivers), ...formatBreakers(breakers, workerUrl), ...formatSchedules(schedules)];
      for (const line of lines) context.io.out(line);
    });
}
