/*
 * RateGate: the rate limits one worker applies before it starts a job — its pipeline's `rate_limit` and each job's
 * `rateLimit` (looked up by the delivery's job name) — and the time deliveries spent waiting for them. A delivery
 * over a limit stays held unacked in the worker's wait line; it is never failed or retried. Per process by design.
 */
import type { JobRegistry } from '../job/job-registry.js';
import type { ResolvedRateLimit } from '../schedule/schedule-types.js';
import type { InFlightDelivery } from './in-flight-delivery.js';
import { RateLimiter } from './rate-limiter.js';

export class RateGate {
  readonly #pipeline: RateLimiter | undefined;
  readonly #byJob = new Map<string, RateLimiter>();
  /** Delivery → when it was first found over a limit. */
  readonly #limitedSince = new WeakMap<InFlightDelivery, number>();
  #waitedMs = 0;
  #limitedNow = 0;

  /** A gate, or undefined when neither the pipeline nor any registered job has a limit (the fast path). */
  static create(pipelineLimit: ResolvedRateLimit | undefined, registry: JobRegistry): RateGate | undefined {
    // By name, whatever pipeline a job is bound to: the worker runs what its queue delivers.
    const jobLimits = registry.definitions().flatMap((definition) => (definition.rateLimit ? [[definition.name, definition.rateLimit] as const] : []));
    if (!pipelineLimit && jobLimits.length === 0) return undefined;
    return new RateGate(pipelineLimit, jobLimits);
  }

  private constructor(pipelineLimit: ResolvedRateLimit | undefined, jobLimits: ReadonlyArray<readonly [string, ResolvedRateLimit]>) {
    this.#pipeline = pipelineLimit ? new RateLimiter(pipelineLimit) : undefined;
    for (const [name, limit] of jobLimits) this.#byJob.set(name, new RateLimiter(limit));
  }

  /** Total time deliveries waited for a limit before they started, in ms. */
  get waitedMs(): number {
    return this.#waitedMs;
  }

  /** Deliveries found over a limit at the last look (waiting for it now). */
  get limitedNow(): number {
    return this.#limitedNow;
  }

  /**
   * Picks the first of `waiting` (oldest first) that no limit holds back and counts its start; returns its index,
   * or -1 and (in `retryInMs`) when to look again.
   */
  pick(waiting: readonly InFlightDelivery[], nowMs: number): { index: number; retryInMs: number } {
    let retryInMs = Number.POSITIVE_INFINITY;
    let limited = 0;
    const pipelineWaitMs = this.#pipeline?.waitMs(nowMs) ?? 0;
    for (let index = 0; index < waiting.length; index += 1) {
      const entry = waiting[index]!;
      const jobLimiter = this.#byJob.get(entry.delivery.properties.type ?? '');
      const waitMs = Math.max(pipelineWaitMs, jobLimiter?.waitMs(nowMs) ?? 0);
      if (waitMs === 0) {
        this.#pipeline?.take(nowMs);
        jobLimiter?.take(nowMs);
        const since = this.#limitedSince.get(entry);
        if (since !== undefined) this.#waitedMs += nowMs - since;
        this.#limitedNow = limited;
        return { index, retryInMs: 0 };
      }
      if (!this.#limitedSince.has(entry)) this.#limitedSince.set(entry, nowMs);
      limited += 1;
      retryInMs = Math.min(retryInMs, waitMs);
    }
    this.#limitedNow = limited;
    return { index: -1, retryInMs };
  }
}
