/*
 * Job rates from Prometheus counters: parses `warren_jobs_total` out of /metrics text into totals per
 * pipeline and outcome, and turns two samples into per-second rates. Pure: no I/O, no clock.
 * Where the text comes from (a worker's /metrics, the in-process registry) is rate-sampler.ts's business.
 */

/** The outcomes the dashboard shows, keyed as in `warren_jobs_total{outcome}`. */
export const RATE_OUTCOMES = ['succeeded', 'failed', 'retried', 'dead_lettered'] as const;
export type RateOutcome = (typeof RATE_OUTCOMES)[number];

/** Counter totals of one pipeline by outcome. */
export type OutcomeCounts = Record<RateOutcome, number>;
/** Totals by pipeline name. */
export type JobTotals = Map<string, OutcomeCounts>;
/** Per-second rates by outcome. */
export type OutcomeRates = Record<RateOutcome, number>;

const SAMPLE_LINE = /^warren_jobs_total\{([^}]*)\}\s+(\S+)/;
const LABEL = /(\w+)="((?:[^"\\]|\\.)*)"/g;

function emptyCounts(): OutcomeCounts {
  return { succeeded: 0, failed: 0, retried: 0, dead_lettered: 0 };
}

/** Sums `warren_jobs_total` samples per pipeline and outcome; lines of other metrics are ignored. */
export function parseJobTotals(text: string, into: JobTotals = new Map()): JobTotals {
  for (const line of text.split('\n')) {
    const match = SAMPLE_LINE.exec(line);
    if (!match) continue;
    const labels = Object.fromEntries([...(match[1] ?? '').matchAll(LABEL)].map((m) => [m[1], m[2]]));
    const value = Number(match[2]);
    const outcome = labels.outcome as RateOutcome | undefined;
    const pipeline = labels.pipeline;
    if (pipeline === undefined || outcome === undefined || !RATE_OUTCOMES.includes(outcome) || !Number.isFinite(value)) continue;
    let counts = into.get(pipeline);
    if (!counts) into.set(pipeline, (counts = emptyCounts()));
    counts[outcome] += value;
  }
  return into;
}

/**
 * Rates between two samples taken `elapsedMs` apart. A counter that went down (a worker restarted and
 * its counters began again at 0) counts from 0, so a restart never shows a negative rate.
 */
export function computeRates(previous: OutcomeCounts | undefined, next: OutcomeCounts | undefined, elapsedMs: number): OutcomeRates {
  const rates = emptyCounts();
  if (elapsedMs <= 0) return rates;
  const before = previous ?? emptyCounts();
  const after = next ?? emptyCounts();
  for (const outcome of RATE_OUTCOMES) {
    const delta = after[outcome] >= before[outcome] ? after[outcome] - before[outcome] : after[outcome];
    rates[outcome] = (delta * 1000) / elapsedMs;
  }
  return rates;
}
