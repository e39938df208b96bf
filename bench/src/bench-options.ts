/*
 * The flags of `pnpm bench` and their defaults (chosen so three rounds finish in under five
 * minutes on two cores). Parsing only; the runner decides what to do with them.
 */
import { parseArgs } from 'node:util';

export const GROUPS = ['e2e', 'pubcons', 'latency', 'rss', 'startup', 'recovery', 'cluster', 'tracing', 'outbox'] as const;
export type Group = (typeof GROUPS)[number];

export interface BenchOptions {
  readonly jobs: number;
  readonly rounds: number;
  readonly window: number;
  readonly prefetch: number;
  readonly concurrency: number;
  readonly latencySamples: number;
  /** Unmeasured round trips before the latency samples, so that JIT compilation of the hot path is not measured. */
  readonly latencyWarmup: number;
  readonly rssJobs: number;
  /** How long the memory child sits idle (consumer started, no jobs) before its idle RSS is read. */
  readonly idleSeconds: number;
  readonly ratePerSec: number;
  readonly outageMs: number;
  readonly only: readonly Group[];
  readonly outDir: string | undefined;
  readonly note: string;
  readonly amqpUrl: string;
  readonly redisUrl: string;
}

const DEFAULTS = {
  jobs: 10_000, rounds: 3, window: 1_000, prefetch: 100, concurrency: 100, 'latency-samples': 1_000, 'latency-warmup': 1_000,
  'rss-jobs': 100_000, 'idle-s': 30, rate: 500, 'outage-ms': 6_000,
} as const;

function positiveInt(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer, got ${raw}`);
  return value;
}

export function parseBenchOptions(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      jobs: { type: 'string' }, rounds: { type: 'string' }, window: { type: 'string' }, prefetch: { type: 'string' },
      concurrency: { type: 'string' }, 'latency-samples': { type: 'string' }, 'latency-warmup': { type: 'string' }, 'rss-jobs': { type: 'string' }, 'idle-s': { type: 'string' },
      rate: { type: 'string' }, 'outage-ms': { type: 'string' }, only: { type: 'string' }, out: { type: 'string' },
      note: { type: 'string' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`pnpm bench [--jobs N] [--rounds N] [--window N] [--prefetch N] [--concurrency N] [--latency-samples N]\n`
      + `           [--latency-warmup N] [--rss-jobs N] [--idle-s N] [--rate N/s] [--outage-ms N] [--only ${GROUPS.join(',')}] [--out DIR] [--note TEXT]\n`
      + `defaults: ${JSON.stringify(DEFAULTS)}\n`);
    process.exit(0);
  }
  const only = values.only ? values.only.split(',').map((group) => group.trim()) : [...GROUPS];
  for (const group of only) if (!GROUPS.includes(group as Group)) throw new Error(`--only: unknown group "${group}" (known: ${GROUPS.join(', ')})`);
  return {
    jobs: positiveInt('jobs', values.jobs, DEFAULTS.jobs),
    rounds: positiveInt('rounds', values.rounds, DEFAULTS.rounds),
    window: positiveInt('window', values.window, DEFAULTS.window),
    prefetch: positiveInt('prefetch', values.prefetch, DEFAULTS.prefetch),
    concurrency: positiveInt('concurrency', values.concurrency, DEFAULTS.concurrency),
    latencySamples: positiveInt('latency-samples', values['latency-samples'], DEFAULTS['latency-samples']),
    latencyWarmup: positiveInt('latency-warmup', values['latency-warmup'], DEFAULTS['latency-warmup']),
    rssJobs: positiveInt('rss-jobs', values['rss-jobs'], DEFAULTS['rss-jobs']),
    idleSeconds: positiveInt('idle-s', values['idle-s'], DEFAULTS['idle-s']),
    ratePerSec: positiveInt('rate', values.rate, DEFAULTS.rate),
    outageMs: positiveInt('outage-ms', values['outage-ms'], DEFAULTS['outage-ms']),
    only: only as Group[],
    outDir: values.out,
    note: values.note ?? '',
    amqpUrl: process.env.WARREN_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    redisUrl: process.env.WARREN_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}
