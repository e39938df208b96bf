/*
 * writeResults: bench/results/latest.json (every summary, target check, error and machine fact)
 * and latest.md (the same as tables, with the conditions and how to reproduce).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GROUPS, type BenchOptions } from '../bench-options.js';
import { formatResultsTable, formatTargetsTable } from './format-table.js';
import type { MachineFacts } from './machine-facts.js';
import { allWarrenRatios } from './ratios.js';
import type { ResultSet } from './result-set.js';
import type { TargetCheck } from './targets.js';

export interface RunRecord {
  readonly runId: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly options: BenchOptions;
  readonly machineBefore: MachineFacts;
  readonly machineAfter: MachineFacts;
  readonly results: ResultSet;
  readonly targets: readonly TargetCheck[];
}

function settingsLine(options: BenchOptions): string {
  return `${options.rounds} rounds (sides interleaved, order rotated per round); ${options.jobs} jobs per throughput measurement, `
    + `after ${options.warmupJobs} unmeasured jobs end to end per side; `
    + `200-byte JSON payload; confirm window ${options.window}; prefetch ${options.prefetch}; concurrency ${options.concurrency}; `
    + `${options.latencySamples} latency samples after ${options.latencyWarmup} unmeasured round trips; ${options.rssJobs} jobs per memory child (idle RSS read after ${options.idleSeconds} s idle); recovery at ${options.ratePerSec} jobs/s with a ${options.outageMs} ms outage.`;
}

export function formatMarkdown(record: RunRecord): string {
  const m = record.machineBefore;
  const errors = record.results.errors.map((e) => `- round ${e.round}, ${e.what}: ${e.error}`);
  const retried = record.results.retried.map((e) => `- round ${e.round}, ${e.what}: ${e.error}`);
  return [
    `# Warren benchmark — ${record.finishedAt}`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGb} GB, ${m.os}; Node ${m.node}; RabbitMQ ${m.rabbitmq}; Redis ${m.redis}.`,
    `Conditions: load average ${m.loadAverage.join(' / ')} at start, ${record.machineAfter.loadAverage.join(' / ')} at the end; `
      + `${m.otherVitestProcesses} other vitest processes at start, ${record.machineAfter.otherVitestProcesses} at the end.${record.options.note ? ` ${record.options.note}` : ''}`,
    `Settings: ${settingsLine(record.options)}`,
    '',
    'Each cell: median (min–max) over the rounds. "amqplib (same wire format)" is the same plain amqplib client sending and '
      + 'reading Warren\'s wire format for a first attempt (message_id, type, timestamp, mandatory; since 2026-12 no content_encoding and no x-warren-* headers); '
      + 'the targets are checked against bare amqplib and amqp-connection-manager.',
    '',
    formatResultsTable(record.results),
    '',
    formatTargetsTable(record.targets),
    '',
    ...(errors.length > 0 ? ['Failed measurements:', '', ...errors, ''] : []),
    ...(retried.length > 0 ? ['Measured again after the broker came back (first attempt failed):', '', ...retried, ''] : []),
    `Reproduce: \`pnpm bench${record.options.isQuick ? ' --quick' : ''} --jobs ${record.options.jobs} --rounds ${record.options.rounds}${record.options.only.length < GROUPS.length ? ` --only ${record.options.only.join(',')}` : ''}\` (RabbitMQ on 127.0.0.1:5672, Redis on 127.0.0.1:6379).`,
    '',
  ].join('\n');
}

export async function writeResults(dir: string, record: RunRecord): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const json = {
    ...record,
    results: record.results.toJSON(),
    warrenRatios: allWarrenRatios(record.results),
    errors: record.results.errors,
    retried: record.results.retried,
  };
  const jsonPath = path.join(dir, 'latest.json');
  const mdPath = path.join(dir, 'latest.md');
  await writeFile(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(mdPath, formatMarkdown(record));
  return [jsonPath, mdPath];
}

/** `--only a,b` when the run measured fewer groups than all of them. */
function onlyFlag(only: readonly string[]): string {
  return only.length < GROUPS.length ? ` --only ${only.join(',')}` : '';
}
