/*
 * The flags of `pnpm bench` and their defaults (chosen so three rounds finish in under five
 * minutes on two cores), plus `--quick`: smaller defaults and no recovery (it restarts the broker)
 * unless `--only` names it, for use while working (under 90 s). Parsing only; the runner decides what to do.
 */
import { parseArgs } from 'node:util';

export const GROUPS = ['e2e', 'pubcons', 'latency', 'rss', 'startup', 'recovery', 'cluster', 'tracing', 'outbox'] as const;
/** What `--quick` runs unless `--only` says otherwise: everything but recovery (it stops and starts the broker), the
 * cluster (it boots three nodes) and the tracing and outbox groups. */
const QUICK_GROUPS: readonly Group[] = ['e2e', 'pubcons', 'latency', 'rss', 'startup'];
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
  /** Jobs each side runs end to end, unmeasured, before the throughput rounds. */
  readonly warmupJobs: number;
  /** True for `--quick` (smaller defaults, not a run to publish figures from). */
  readonly isQuick: boolean;
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
  'warmup-jobs': 5_000, 'rss-jobs': 100_000, 'idle-s': 30, rate: 500, 'outage-ms': 6_000,
} as const;
type Defaults = { readonly [K in keyof typeof DEFAULTS]: number };

/**
 * `--quick`: two rounds of fewer jobs. The idle reading at 20 s is usually after V8's memory reducer gave back the
 * young generation (9–23 s after start), so it may read a few MB high; the flow children take ~4 s each beside it.
 */
const QUICK_DEFAULTS: Defaults = {
  ...DEFAULTS, jobs: 3_000, rounds: 2, 'latency-samples': 300, 'latency-warmup': 500, 'warmup-jobs': 2_000, 'rss-jobs': 20_000, 'idle-s': 20,
};

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
      'warmup-jobs': { type: 'string' }, note: { type: 'string' }, quick: { type: 'boolean' }, help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(`pnpm bench [--quick] [--jobs N] [--rounds N] [--window N] [--prefetch N] [--concurrency N] [--latency-samples N]\n`
      + `           [--latency-warmup N] [--warmup-jobs N] [--rss-jobs N] [--idle-s N] [--rate N/s] [--outage-ms N] [--only ${GROUPS.join(',')}]\n`
      + `           [--out DIR] [--note TEXT]\n`
      + `defaults: ${JSON.stringify(DEFAULTS)}\n`
      + `--quick: ${JSON.stringify(QUICK_DEFAULTS)}, groups ${QUICK_GROUPS.join(',')} unless --only names others; results go to bench/results/quick/ unless --out\n`);
    process.exit(0);
  }
  const isQuick = values.quick === true;
  const defaults: Defaults = isQuick ? QUICK_DEFAULTS : DEFAULTS;
  const only = values.only ? values.only.split(',').map((group) => group.trim()) : [...(isQuick ? QUICK_GROUPS : GROUPS)];
  for (const group of only) if (!GROUPS.includes(group as Group)) throw new Error(`--only: unknown group "${group}" (known: ${GROUPS.join(', ')})`);
  return {
    jobs: positiveInt('jobs', values.jobs, defaults.jobs),
    rounds: positiveInt('rounds', values.rounds, defaults.rounds),
    window: positiveInt('window', values.window, defaults.window),
    prefetch: positiveInt('prefetch', values.prefetch, defaults.prefetch),
    concurrency: positiveInt('concurrency', values.concurrency, defaults.concurrency),
    latencySamples: positiveInt('latency-samples', values['latency-samples'], defaults['latency-samples']),
    latencyWarmup: positiveInt('latency-warmup', values['latency-warmup'], defaults['latency-warmup']),
    warmupJobs: positiveInt('warmup-jobs', values['warmup-jobs'], defaults['warmup-jobs']),
    isQuick,
    rssJobs: positiveInt('rss-jobs', values['rss-jobs'], defaults['rss-jobs']),
    idleSeconds: positiveInt('idle-s', values['idle-s'], defaults['idle-s']),
    ratePerSec: positiveInt('rate', values.rate, defaults.rate),
    outageMs: positiveInt('outage-ms', values['outage-ms'], defaults['outage-ms']),
    only: only as Group[],
    outDir: values.out,
    note: values.note ?? '',
    amqpUrl: process.env.WARREN_BENCH_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    redisUrl: process.env.WARREN_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
  };
}
