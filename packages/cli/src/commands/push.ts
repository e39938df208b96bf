/*
 * `warren push <job> [json]`: dispatches one job by name and prints its id. The pipeline comes from
 * the registered job (jobs.modules) or --pipeline; resolves once the broker confirmed the message.
 */
import type { Command } from 'commander';
import { WarrenError } from '@warren/core';
import type { CliContext } from '../cli-context.js';
import { configOption } from '../runtime/config-path.js';
import { assertReachablePipeline } from '../runtime/assert-reachable-pipeline.js';
import { withWarren } from '../runtime/open-warren.js';
import { parseDurationOption, parseIntegerOption, parseJsonArgument } from '../runtime/parse-options.js';

interface PushOptions {
  readonly config: string;
  readonly delay?: string;
  readonly priority?: string;
  readonly pipeline?: string;
  readonly id?: string;
}

export function registerPushCommand(program: Command, context: CliContext): void {
  program
    .command('push')
    .description('dispatch a job by name, e.g. warren push emails.welcome \'{"userId":"u-1"}\'')
    .argument('<job>', 'the job name (as in @Job)')
    .argument('[json]', 'the payload as JSON', '{}')
    .addOption(configOption())
    .option('--delay <duration>', 'deliver no sooner than this, e.g. 10s')
    .option('--priority <n>', 'message priority (0-255; needs max_priority on the queue)')
    .option('--pipeline <name>', 'the pipeline, for a job not registered in this project')
    .option('--id <id>', 'a job id of your own (default: a fresh UUID)')
    .action(async (job: string, json: string, options: PushOptions) => {
      const payload = parseJsonArgument(json, 'the payload');
      const dispatch = {
        ...(options.delay === undefined ? {} : { delay: parseDurationOption(options.delay, '--delay') }),
        ...(options.priority === undefined ? {} : { priority: parseIntegerOption(options.priority, '--priority', 0, 255) }),
        ...(options.pipeline === undefined ? {} : { pipeline: options.pipeline }),
        ...(options.id === undefined ? {} : { id: options.id }),
      };
      const id = await withWarren(context.io, { config: options.config, loadModules: true }, (warren) => {
        const pipeline = options.pipeline ?? warren.registry.find(job)?.pipeline;
        if (pipeline === undefined) throw unknownJob(job);
        assertReachablePipeline(warren, pipeline, 'push');
        return warren.dispatch(job, payload, dispatch);
      });
      context.io.out(`pushed ${job} ${id}`);
    });
}

/** The core error for an unknown job names the API form ({ pipeline }); here the fix is a flag. */
function unknownJob(job: string): WarrenError {
  return new WarrenError('WARREN_ERR_JOB_NOT_FOUND', `no job named "${job}" is registered here, so its pipeline is unknown`, {
    hint: `Pass --pipeline <name> for a job this project does not define, or add the module that defines "${job}" to jobs.modules.`,
    details: { job },
  });
}
