/*
 * `warren dlq list|replay|purge <pipeline>`: inspect dead letters, move them back to the pipeline
 * (attempts reset to 1; at most those there when replay starts), or delete them. Each prints how many it touched.
 */
import { Command } from '../commander-module.js';
import type { CliContext } from '../cli-context.js';
import { formatDeadLetters } from '../output/format-dead-letters.js';
import { configOption } from '../runtime/config-path.js';
import { assertReachablePipeline } from '../runtime/assert-reachable-pipeline.js';
import { withWarren } from '../runtime/open-warren.js';
import { parseIntegerOption } from '../runtime/parse-options.js';

interface DlqOptions {
  readonly config: string;
  readonly limit?: string;
}

export function registerDlqCommand(program: Command, context: CliContext): void {
  const dlq = program.command('dlq').description('list, replay or purge the dead letters of a pipeline');
  const open = (options: DlqOptions) => ({ config: options.config, loadModules: false });
  const limitOf = (options: DlqOptions, fallback: number | undefined) =>
    options.limit === undefined ? fallback : parseIntegerOption(options.limit, '--limit', 1, 1_000_000);

  dlq
    .command('list')
    .description('show dead letters (oldest first), left in place')
    .argument('<pipeline>')
    .addOption(configOption())
    .option('--limit <n>', 'show at most n', '20')
    .action(async (pipeline: string, options: DlqOptions) => {
      const messages = await withWarren(context.io, open(options), (warren) => {
        assertReachablePipeline(warren, pipeline, 'dlq list');
        return warren.peekDeadLetters(pipeline, limitOf(options, 20));
      });
      for (const line of formatDeadLetters(pipeline, messages)) context.io.out(line);
    });

  dlq
    .command('replay')
    .description('move dead letters back to the pipeline with attempts reset to 1 (at most those there when it starts)')
    .argument('<pipeline>')
    .addOption(configOption())
    .option('--limit <n>', 'replay at most n (default all)')
    .action(async (pipeline: string, options: DlqOptions) => {
      const count = await withWarren(context.io, open(options), (warren) => {
        assertReachablePipeline(warren, pipeline, 'dlq replay');
        return warren.replayDeadLetters(pipeline, limitOf(options, undefined));
      });
      context.io.out(`replayed ${count} dead letter(s) to "${pipeline}" (attempts reset to 1)`);
    });

  dlq
    .command('purge')
    .description('delete every dead letter of the pipeline')
    .argument('<pipeline>')
    .addOption(configOption())
    .action(async (pipeline: string, options: DlqOptions) => {
      const count = await withWarren(context.io, open(options), (warren) => {
        assertReachablePipeline(warren, pipeline, 'dlq purge');
        return warren.purgeDeadLetters(pipeline);
      });
      context.io.out(`purged ${count} dead letter(s) from "${pipeline}"`);
    });
}
