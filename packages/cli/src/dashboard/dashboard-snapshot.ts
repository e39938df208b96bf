/*
 * What the dashboard page shows, as one JSON document: per pipeline the driver's counts (Warren.inspect,
 * the same as `warren status`), the job rates, and whether the broker answers. Reads; never changes the
 * broker. Broker URLs appear with their password replaced (the server redacts every answer once more).
 */
import { isWarrenError, redactSecrets, type Warren } from '@warren/core';
import { isReachablePipeline } from '../runtime/assert-reachable-pipeline.js';
import type { OutcomeRates, RateOutcome } from './job-rates.js';
import { DELAY_SCAN_INTERVAL_MS } from './dashboard-options.js';
import type { RateSampler } from './rate-sampler.js';

export interface PipelineView {
  readonly name: string;
  readonly driver: string;
  readonly queue: string | undefined;
  readonly ready: number | null;
  readonly unacked: number | null;
  readonly consumers: number | null;
  readonly delayed: number | null;
  /** The delay queues that exist (Q.delay.<ms>) and their messages, shortest delay first. */
  readonly delayQueues: ReadonlyArray<{ readonly queue: string; readonly delayMs: number; readonly messages: number }>;
  readonly deadLettered: number | null;
  /** Jobs per second by outcome; null when no source tells (yet), or for an outcome the source cannot see. */
  readonly rates: Readonly<Record<RateOutcome, number | null>> | null;
  /** Why the counts could not be read this time. */
  readonly error?: string;
}

export interface DashboardSnapshot {
  readonly generatedAt: string;
  readonly refreshMs: number;
  readonly allowActions: boolean;
  readonly broker: {
    readonly reachable: boolean;
    /** Each driver's state, e.g. `amqp: reconnecting`, and its connections. */
    readonly drivers: ReadonlyArray<{ driver: string; state: string; connections?: Readonly<Record<string, string>> }>;
    readonly urls: readonly string[];
    readonly problem?: string;
  };
  readonly rates: { readonly source: 'workers' | 'in-process' | 'broker'; readonly note?: string };
  readonly pipelines: readonly PipelineView[];
  /** Pipelines left out: an in-process driver's queues live inside the worker. */
  readonly hidden: readonly string[];
}

export interface SnapshotOptions {
  readonly refreshMs: number;
  readonly allowActions: boolean;
  /** True inside `warren run`: in-process (memory) pipelines are this process's own and can be shown. */
  readonly inProcess: boolean;
  readonly rates: RateSampler | undefined;
}

/** Builds snapshots; keeps the previous dead-letter counts to estimate a dead-letter rate from the broker. */
export class SnapshotBuilder {
  #previousDead: { atMs: number; counts: Map<string, number> } | undefined;
  #lastDelayScanMs = Number.NEGATIVE_INFINITY;
  #scanning: Promise<void> | undefined;

  constructor(private readonly warren: Warren, private readonly options: SnapshotOptions) {}

  async build(): Promise<DashboardSnapshot> {
    const { warren, options } = this;
    const names = Object.keys(warren.config.jobs.pipelines);
    const shown = names.filter((name) => options.inProcess || isReachablePipeline(warren, name));
    const rates = await options.rates?.reading();
    this.#startDelayScan(shown);
    const pipelines: PipelineView[] = [];
    for (const name of shown) pipelines.push(await this.#pipeline(name, rates?.byPipeline));
    const drivers = warren.health().drivers.filter((d) => d.driver !== 'memory');
    const down = drivers.filter((d) => d.state !== 'ready' && d.state !== 'blocked').map((d) => `the ${d.driver} driver is ${d.state}`).join('; ');
    const firstError = pipelines.find((p) => p.error !== undefined)?.error;
    const problem = down !== '' && firstError !== undefined ? `${down} (${firstError})` : down || firstError;
    const brokerRates = this.#deadLetterRates(pipelines, rates === undefined);
    return {
      generatedAt: new Date().toISOString(),
      refreshMs: options.refreshMs,
      allowActions: options.allowActions,
      broker: {
        reachable: problem === undefined,
        drivers: drivers.map((d) => ({ driver: d.driver, state: d.state, ...(d.connections ? { connections: d.connections } : {}) })),
        urls: brokerUrls(warren).map(redactSecrets),
        ...(problem === undefined ? {} : { problem: redactSecrets(problem) }),
      },
      rates: rates
        ? { source: rates.source, ...(rates.error ? { note: `worker metrics: ${rates.error}` } : rates.byPipeline ? {} : { note: 'measuring; rates appear after the next refresh' }) }
        : { source: 'broker', note: 'Only dead-letter growth is known from the broker. For handled, failed and retried rates start with --metrics http://<worker>:9400/metrics, or use warren run --dashboard.' },
      pipelines: brokerRates ?? pipelines,
      hidden: names.filter((name) => !shown.includes(name)),
    };
  }

  /** Resolves once a delay-queue scan under way has ended (for a clean close). */
  settled(): Promise<void> {
    return this.#scanning ?? Promise.resolve();
  }

  /**
   * Delay queues of other processes are found by checking every step of the delay ladder: seconds on a busy broker,
   * so not on every refresh and not awaited. The driver remembers what it found; the next snapshots show it.
   */
  #startDelayScan(pipelines: readonly string[]): void {
    if (this.#scanning || Date.now() - this.#lastDelayScanMs < DELAY_SCAN_INTERVAL_MS) return;
    this.#lastDelayScanMs = Date.now();
    const scans = pipelines.map((name) => this.warren.inspect(name, { scanDelayQueues: true }).catch(() => {
      this.#lastDelayScanMs = Number.NEGATIVE_INFINITY; // scan again once the broker answers
    }));
    this.#scanning = Promise.all(scans).then(() => undefined).finally(() => (this.#scanning = undefined));
  }

  async #pipeline(name: string, rates: ReadonlyMap<string, OutcomeRates> | undefined): Promise<PipelineView> {
    const config = this.warren.config.jobs.pipelines[name];
    const driver = config?.driver ?? 'unknown';
    const queue = (config?.options as { queue?: unknown } | undefined)?.queue;
    const base = { name, driver, queue: typeof queue === 'string' ? queue : undefined, rates: rates ? (rates.get(name) ?? zeroRates()) : null };
    try {
      const stats = await this.warren.inspect(name);
      return {
        ...base, ready: stats.ready ?? null, unacked: stats.unacked ?? null, consumers: stats.consumers ?? null, delayed: stats.delayed ?? null,
        delayQueues: stats.delayQueues ?? [], deadLettered: stats.deadLettered ?? null,
      };
    } catch (error) {
      return { ...base, ready: null, unacked: null, consumers: null, delayed: null, delayQueues: [], deadLettered: null, error: describe(error) };
    }
  }

  /** Without worker metrics: dead letters per second from the growth of each dead-letter queue (never negative). */
  #deadLetterRates(pipelines: PipelineView[], fromBroker: boolean): PipelineView[] | undefined {
    if (!fromBroker) return undefined;
    const now = Date.now();
    const counts = new Map(pipelines.flatMap((p) => (p.deadLettered === null ? [] : [[p.name, p.deadLettered] as const])));
    const previous = this.#previousDead;
    this.#previousDead = { atMs: now, counts };
    return pipelines.map((p) => {
      const before = previous?.counts.get(p.name);
      const after = counts.get(p.name);
      if (previous === undefined || before === undefined || after === undefined || now <= previous.atMs) return p;
      const rate = (Math.max(0, after - before) * 1000) / (now - previous.atMs);
      return { ...p, rates: { succeeded: null, failed: null, retried: null, dead_lettered: rate } };
    });
  }
}

function zeroRates(): OutcomeRates {
  return { succeeded: 0, failed: 0, retried: 0, dead_lettered: 0 };
}

function brokerUrls(warren: Warren): string[] {
  const urls = (warren.config.drivers as Record<string, { urls?: unknown } | undefined>).amqp?.urls;
  return Array.isArray(urls) ? urls.filter((url): url is string => typeof url === 'string') : [];
}

function describe(error: unknown): string {
  if (isWarrenError(error)) return `${error.message} (${error.code})`;
  return error instanceof Error ? error.message : String(error);
}
