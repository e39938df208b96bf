/*
 * RateSampler: per-pipeline job rates for the dashboard, from the `warren_jobs_total` counters the
 * workers expose. It reads the counters at most once per `minIntervalMs` (however many pages poll)
 * and compares each reading with the one before. Where the text comes from is the caller's choice:
 * worker /metrics URLs (`warren dashboard --metrics`) or the in-process registry (`warren run --dashboard`).
 */
import { computeRates, parseJobTotals, type JobTotals, type OutcomeRates } from './job-rates.js';

/** What the dashboard shows about rates: by pipeline, or why there are none yet. */
export interface RatesReading {
  /** `workers`: scraped /metrics; `in-process`: this process's own workers. */
  readonly source: 'workers' | 'in-process';
  /** Undefined until two readings exist. */
  readonly byPipeline: ReadonlyMap<string, OutcomeRates> | undefined;
  /** Why the latest reading failed (a worker's /metrics did not answer); rates are then from the last good pair. */
  readonly error?: string;
}

export interface RateSamplerOptions {
  readonly source: RatesReading['source'];
  /** Returns the Prometheus texts to sum (one per worker). */
  readonly read: () => Promise<string[]>;
  readonly minIntervalMs?: number;
  readonly now?: () => number;
}

interface Sample {
  readonly atMs: number;
  readonly totals: JobTotals;
}

export class RateSampler {
  #last: Sample | undefined;
  #rates: Map<string, OutcomeRates> | undefined;
  #error: string | undefined;
  #reading: Promise<void> | undefined;
  readonly #now: () => number;
  readonly #minIntervalMs: number;

  constructor(private readonly options: RateSamplerOptions) {
    this.#now = options.now ?? Date.now;
    this.#minIntervalMs = options.minIntervalMs ?? 1_000;
  }

  /** The current rates, reading the counters again when the last reading is older than minIntervalMs. */
  async reading(): Promise<RatesReading> {
    if (this.#last === undefined || this.#now() - this.#last.atMs >= this.#minIntervalMs) {
      // Concurrent pages share one reading.
      this.#reading ??= this.#sample().finally(() => (this.#reading = undefined));
      await this.#reading;
    }
    return { source: this.options.source, byPipeline: this.#rates, ...(this.#error === undefined ? {} : { error: this.#error }) };
  }

  async #sample(): Promise<void> {
    let texts: string[];
    try {
      texts = await this.options.read();
    } catch (error) {
      this.#error = error instanceof Error ? error.message : String(error);
      return;
    }
    const totals = new Map() as JobTotals;
    for (const text of texts) parseJobTotals(text, totals);
    const sample = { atMs: this.#now(), totals };
    const previous = this.#last;
    if (previous) {
      const pipelines = new Set([...previous.totals.keys(), ...totals.keys()]);
      this.#rates = new Map([...pipelines].map((name) => [name, computeRates(previous.totals.get(name), totals.get(name), sample.atMs - previous.atMs)]));
    }
    this.#last = sample;
    this.#error = undefined;
  }
}

/** Reads each worker's /metrics; fails naming the first URL that did not answer 200 within `timeoutMs`. */
export function scrapeMetrics(urls: readonly string[], timeoutMs = 1_500): () => Promise<string[]> {
  return () => Promise.all(urls.map(async (url) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) }).catch((error: unknown) => {
      throw new Error(`${url} did not answer: ${error instanceof Error ? error.message : String(error)}`);
    });
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    return response.text();
  }));
}
