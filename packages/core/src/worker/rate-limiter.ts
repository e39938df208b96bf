/*
 * RateLimiter: at most `max` starts per `perMs`, spaced evenly (a generic cell rate algorithm, as Celery's
 * rate_limit spaces tasks): starts are at least perMs / max apart, so 20 per second starts one job every 50 ms and
 * any window of `perMs` holds at most `max` starts. Above 100 per second (spacing under 10 ms, finer than timers
 * wake) up to 10 ms of starts may go together. Pure: the caller passes the time.
 */
import type { ResolvedRateLimit } from '../schedule/schedule-types.js';

/** Spacing below which starts may bunch, and by how much: timers cannot wake a worker every 0.1 ms. */
export const RATE_LIMIT_BURST_MS = 10;

export class RateLimiter {
  readonly #intervalMs: number;
  readonly #toleranceMs: number;
  /** When the next start is due in the ideal evenly spaced sequence (theoretical arrival time). */
  #dueMs = Number.NEGATIVE_INFINITY;

  constructor(readonly limit: ResolvedRateLimit) {
    this.#intervalMs = limit.perMs / limit.max;
    this.#toleranceMs = this.#intervalMs < RATE_LIMIT_BURST_MS ? Math.min(RATE_LIMIT_BURST_MS, this.#intervalMs * (limit.max - 1)) : 0;
  }

  /** How long from `nowMs` until a start is allowed; 0 when it is allowed now. Takes nothing. */
  waitMs(nowMs: number): number {
    return Math.max(0, this.#dueMs - this.#toleranceMs - nowMs);
  }

  /** Counts one start at `nowMs` (call only when waitMs(nowMs) is 0). */
  take(nowMs: number): void {
    this.#dueMs = Math.max(this.#dueMs, nowMs) + this.#intervalMs;
  }
}
