/*
 * WarrenMetrics: the Prometheus metrics of a running Warren, on its own prom-client registry.
 * Job outcomes and durations come from `events`; in-flight counts and driver gauges are read from
 * `health()` at scrape time. Label values are bounded: `job` only takes registered job names and `reason`
 * only documented reasons or registered codes (a foreign producer's `type` must not make a series). Does not serve HTTP (see http/health-server.ts). prom-client (~8 MB
 * RSS) is required when the first WarrenMetrics is built, not when @warren/core is imported.
 */
import { createRequire } from 'node:module';
import type { Gauge, Registry } from 'prom-client';
import type { DriverState, DriverStatus } from '../driver/driver.js';
import { DEAD_LETTER_REASONS } from '../driver/wire-message.js';
import type { TypedEmitter } from '../events/typed-emitter.js';
import type { WarrenEventMap } from '../events/warren-events.js';
import { isWarrenError, listErrorCodes } from '../errors/warren-error.js';

/** What the metrics read: Warren's events, its job registry and its health snapshot (structurally, so tests can fake it). */
export interface MetricsSource {
  readonly events: TypedEmitter<WarrenEventMap>;
  /** Which job names may be a `job` label; any other name counts as UNKNOWN_LABEL. */
  readonly registry: { find(name: string): unknown };
  health(): MetricsHealth;
}

/** The `job` or `reason` label of anything outside the known set (unregistered job names, undocumented reasons). */
export const UNKNOWN_LABEL = '(unknown)';
const KNOWN_DEAD_LETTER_REASONS: ReadonlySet<string> = new Set(DEAD_LETTER_REASONS);

/** The part of `Warren.health()` the metrics need. */
export interface MetricsHealth {
  readonly live: boolean;
  readonly ready: boolean;
  readonly pipelines: ReadonlyArray<{
    readonly name: string; readonly consuming: boolean; readonly inFlight: number; readonly breakers?: Readonly<Record<string, string>>;
    readonly rateLimitWaitedMs?: number; readonly rateLimited?: number;
  }>;
  readonly drivers: readonly DriverStatus[];
}

export interface WarrenMetricsOptions {
  /** Also collect prom-client's default process metrics (CPU, memory, event loop); default true. */
  readonly collectProcessMetrics?: boolean;
}

const DRIVER_STATES: readonly DriverState[] = ['idle', 'connecting', 'ready', 'reconnecting', 'blocked', 'closing', 'closed', 'failed'];
const BREAKER_STATES = ['closed', 'open', 'halfOpen'] as const;
/** Seconds; jobs range from a few milliseconds to minutes. */
const DURATION_BUCKETS_SECONDS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Driver gauges with a metric of their own; any other numeric gauge goes to warren_driver_gauge. */
const NAMED_GAUGES = new Set(['redials', 'breaker', 'outboxDepth']);

type PromClient = typeof import('prom-client');
let promClient: PromClient | undefined;

/** prom-client, loaded on first use (it is CommonJS, so a synchronous require keeps the constructor sync). */
function loadPromClient(): PromClient {
  promClient ??= createRequire(import.meta.url)('prom-client') as PromClient;
  return promClient;
}

/** Prometheus metrics for one Warren instance. Attach once; `render()` produces the text format. */
export class WarrenMetrics {
  readonly #prom = loadPromClient();
  readonly registry: Registry = new this.#prom.Registry();
  #source: MetricsSource | undefined;
  readonly #detachers: Array<() => void> = [];

  readonly #jobs = new this.#prom.Counter({
    name: 'warren_jobs_total',
    help: 'Job attempts by outcome: succeeded, failed (final), retried, dead_lettered (with reason).',
    labelNames: ['pipeline', 'job', 'outcome', 'reason'] as const,
    registers: [this.registry],
  });

  readonly #duration = new this.#prom.Histogram({
    name: 'warren_job_duration_seconds',
    help: 'Time a handler took for one attempt, by outcome (succeeded or failed).',
    labelNames: ['pipeline', 'job', 'outcome'] as const,
    buckets: DURATION_BUCKETS_SECONDS,
    registers: [this.registry],
  });

  constructor(options: WarrenMetricsOptions = {}) {
    this.#defineScrapeGauges();
    if (options.collectProcessMetrics ?? true) {
      // Prefixed so they never clash with a host app that collects its own default metrics.
      this.#prom.collectDefaultMetrics({ register: this.registry, prefix: 'warren_' });
    }
  }

  /**
   * Subscribes to `source.events` and reads `source.health()` on every scrape. Returns a detach
   * function. Attaching again first detaches, so no outcome is ever counted twice.
   */
  attach(source: MetricsSource): () => void {
    this.detach();
    this.#source = source;
    const { events, registry } = source;
    const jobOf = (name: string | undefined): string => (name !== undefined && registry.find(name) !== undefined ? name : UNKNOWN_LABEL);
    this.#detachers.push(
      events.on('job:succeeded', ({ job, durationMs }) => {
        const name = jobOf(job.name);
        this.#jobs.inc({ pipeline: job.pipeline, job: name, outcome: 'succeeded', reason: '' });
        this.#duration.observe({ pipeline: job.pipeline, job: name, outcome: 'succeeded' }, durationMs / 1000);
      }),
      events.on('job:failed', ({ job, durationMs, retryInMs, error }) => {
        const outcome = retryInMs === undefined ? 'failed' : 'retried';
        const name = jobOf(job.name);
        this.#jobs.inc({ pipeline: job.pipeline, job: name, outcome, reason: reasonOf(error) });
        this.#duration.observe({ pipeline: job.pipeline, job: name, outcome: 'failed' }, durationMs / 1000);
      }),
      events.on('job:deadLettered', ({ job, reason }) => {
        const label = KNOWN_DEAD_LETTER_REASONS.has(reason) ? reason : UNKNOWN_LABEL;
        this.#jobs.inc({ pipeline: job.pipeline, job: jobOf(job.name), outcome: 'dead_lettered', reason: label });
      }),
    );
    return () => this.detach();
  }

  /** Stops listening; gauges then report nothing. Idempotent. */
  detach(): void {
    for (const off of this.#detachers.splice(0)) off();
    this.#source = undefined;
  }

  /** The Prometheus text exposition of every metric. */
  async render(): Promise<string> {
    // prom-client 15 writes NaN as "Nan"; the exposition format spells it "NaN" (e.g. an event-loop
    // mean before the first sample).
    return (await this.registry.metrics()).replace(/ Nan$/gm, ' NaN');
  }

  /** The Content-Type header for `render()`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  #health(): MetricsHealth | undefined {
    try {
      return this.#source?.health();
    } catch {
      return undefined; // a scrape must never fail because a snapshot could not be taken
    }
  }

  /** Gauges whose values are read from health() when Prometheus scrapes. */
  #defineScrapeGauges(): void {
    const health = () => this.#health();
    const registers = [this.registry];
    const { Gauge } = this.#prom;
    new Gauge({
      name: 'warren_up', help: '1 while the process is sound (/health 200); 0 once a driver failed.', registers,
      collect() { const h = health(); this.reset(); if (h) this.set(h.live ? 1 : 0); },
    });
    new Gauge({
      name: 'warren_ready', help: '1 while every consumed pipeline is connected and consuming (/ready 200).', registers,
      collect() { const h = health(); this.reset(); if (h) this.set(h.ready ? 1 : 0); },
    });
    new Gauge({
      name: 'warren_jobs_in_flight', help: 'Deliveries held unsettled by the worker: handlers running plus those waiting for a free slot (at most prefetch).', labelNames: ['pipeline'] as const, registers,
      collect() { this.reset(); for (const p of health()?.pipelines ?? []) this.set({ pipeline: p.name }, p.inFlight); },
    });
    new this.#prom.Counter({
      name: 'warren_rate_limit_wait_seconds_total', help: 'Time deliveries waited, held unacked, for a rate limit (rate_limit, rateLimit) before their job started.',
      labelNames: ['pipeline'] as const, registers,
      collect() {
        this.reset();
        for (const p of health()?.pipelines ?? []) if (p.rateLimitWaitedMs) this.inc({ pipeline: p.name }, p.rateLimitWaitedMs / 1000);
      },
    });
    new Gauge({
      name: 'warren_rate_limited_jobs', help: 'Deliveries held now because a rate limit does not let their job start yet.', labelNames: ['pipeline'] as const, registers,
      collect() { this.reset(); for (const p of health()?.pipelines ?? []) this.set({ pipeline: p.name }, p.rateLimited ?? 0); },
    });
    new Gauge({
      name: 'warren_pipeline_consuming', help: '1 while the pipeline\'s consumer receives deliveries.', labelNames: ['pipeline'] as const, registers,
      collect() { this.reset(); for (const p of health()?.pipelines ?? []) this.set({ pipeline: p.name }, p.consuming ? 1 : 0); },
    });
    new Gauge({
      name: 'warren_consumption_breaker_state',
      help: 'Consumption circuit breaker of a pipeline (breaker="pipeline") or of a job with its own (breaker="job:<name>"): 1 for the current state (closed, open, halfOpen).',
      labelNames: ['pipeline', 'breaker', 'state'] as const, registers,
      collect() {
        this.reset();
        for (const p of health()?.pipelines ?? []) {
          for (const [breaker, current] of Object.entries(p.breakers ?? {})) {
            for (const state of BREAKER_STATES) this.set({ pipeline: p.name, breaker, state }, current === state ? 1 : 0);
          }
        }
      },
    });
    new Gauge({
      name: 'warren_driver_state', help: 'Connection/driver state: 1 for the current state, 0 for the others.',
      labelNames: ['driver', 'state'] as const, registers,
      collect() {
        this.reset();
        for (const d of health()?.drivers ?? []) for (const state of DRIVER_STATES) this.set({ driver: d.driver, state }, d.state === state ? 1 : 0);
      },
    });
    new Gauge({
      name: 'warren_driver_redials', help: 'Reconnect attempts since the process started.', labelNames: ['driver'] as const, registers,
      collect() { this.reset(); for (const d of health()?.drivers ?? []) setNumber(this, d, 'redials'); },
    });
    new Gauge({
      name: 'warren_outbox_depth', help: 'Publishes buffered while disconnected, waiting for the broker.', labelNames: ['driver'] as const, registers,
      collect() { this.reset(); for (const d of health()?.drivers ?? []) setNumber(this, d, 'outboxDepth'); },
    });
    new Gauge({
      name: 'warren_breaker_state', help: 'Circuit breaker state: 1 for the current state (closed, open, halfOpen).',
      labelNames: ['driver', 'state'] as const, registers,
      collect() {
        this.reset();
        for (const d of health()?.drivers ?? []) {
          const current = d.gauges['breaker'];
          if (typeof current !== 'string') continue;
          for (const state of new Set<string>([...BREAKER_STATES, current])) this.set({ driver: d.driver, state }, current === state ? 1 : 0);
        }
      },
    });
    new Gauge({
      name: 'warren_driver_gauge', help: 'Other numeric gauges a driver reports, by name.', labelNames: ['driver', 'name'] as const, registers,
      collect() {
        this.reset();
        for (const d of health()?.drivers ?? []) {
          for (const [name, value] of Object.entries(d.gauges)) {
            if (!NAMED_GAUGES.has(name) && typeof value === 'number') this.set({ driver: d.driver, name }, value);
          }
        }
      },
    });
  }
}

function setNumber(gauge: Gauge<'driver'>, status: DriverStatus, key: string): void {
  const value = status.gauges[key];
  if (typeof value === 'number') gauge.set({ driver: status.driver }, value);
}

/** A low-cardinality label for a failure: a catalogued Warren error code, or "error". Never the message. */
function reasonOf(error: unknown): string {
  return isWarrenError(error) && listErrorCodes().has(error.code) ? error.code : 'error';
}
