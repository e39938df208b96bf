/*
 * RefusedHandOffs: failed attempts whose retry or dead-letter copy the driver refused (hand-off.ts then requeued the
 * original), by job id and attempt. When the original comes back, the worker hands off the remembered outcome again
 * instead of running the handler once more: one run per attempt, however often the broker refuses the copy. Kept in
 * this process only (a worker elsewhere that receives the original runs it again) and bounded: past `maxEntries` the
 * oldest is forgotten, and that job runs again, as it did before this existed.
 */
import type { Outcome } from './retry-policy.js';

/** What the handler's run decided, and its error, waiting for a driver that takes the copy. */
export interface RefusedOutcome {
  readonly outcome: Outcome;
  readonly error: unknown;
}

export class RefusedHandOffs {
  readonly #byAttempt = new Map<string, RefusedOutcome>();

  constructor(readonly maxEntries = 10_000) {}

  get size(): number {
    return this.#byAttempt.size;
  }

  remember(id: string, attempt: number, refused: RefusedOutcome): void {
    const key = `${attempt}:${id}`;
    this.#byAttempt.delete(key); // re-inserted last: the map's order is the age order
    this.#byAttempt.set(key, refused);
    if (this.#byAttempt.size > this.maxEntries) this.#byAttempt.delete(this.#byAttempt.keys().next().value as string);
  }

  /** The outcome remembered for this attempt of this job, forgotten as it is returned. */
  take(id: string, attempt: number): RefusedOutcome | undefined {
    const key = `${attempt}:${id}`;
    const refused = this.#byAttempt.get(key);
    if (refused) this.#byAttempt.delete(key);
    return refused;
  }
}
