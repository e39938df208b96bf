/*
 * FailureWindow: the outcomes of handled attempts over the last `windowMs`, and whether their transient-failure
 * rate trips a breaker. Pure: the caller passes the clock. Kept as two parallel arrays pruned from the front, so
 * a busy pipeline does not allocate an object per job.
 */

/** Thresholds of a breaker's window. */
export interface FailureWindowOptions {
  /** Fraction of counted attempts that failed transiently (0..1) at which the breaker opens. */
  readonly failureRate: number;
  /** Counted attempts needed in the window before the rate is judged. */
  readonly minJobs: number;
  readonly windowMs: number;
}

export class FailureWindow {
  readonly #options: FailureWindowOptions;
  #atMs: number[] = [];
  #failed: boolean[] = [];
  #head = 0;
  #failures = 0;

  constructor(options: FailureWindowOptions) {
    this.#options = options;
  }

  /** Attempts counted in the window (as of the last record or prune). */
  get size(): number {
    return this.#atMs.length - this.#head;
  }

  /** The transient-failure rate of the window, 0 when empty. */
  get failureRate(): number {
    return this.size === 0 ? 0 : this.#failures / this.size;
  }

  /** Counts one handled attempt at `nowMs`; returns true when the window now trips the breaker. */
  record(isFailure: boolean, nowMs: number): boolean {
    this.#prune(nowMs);
    this.#atMs.push(nowMs);
    this.#failed.push(isFailure);
    if (isFailure) this.#failures += 1;
    return this.size >= this.#options.minJobs && this.failureRate >= this.#options.failureRate;
  }

  /** Forgets everything (a breaker that opened judges afresh once it closes). */
  reset(): void {
    this.#atMs = [];
    this.#failed = [];
    this.#head = 0;
    this.#failures = 0;
  }

  #prune(nowMs: number): void {
    const oldestMs = nowMs - this.#options.windowMs;
    while (this.#head < this.#atMs.length && (this.#atMs[this.#head] as number) <= oldestMs) {
      if (this.#failed[this.#head]) this.#failures -= 1;
      this.#head += 1;
    }
    if (this.#head > 1024 && this.#head * 2 > this.#atMs.length) {
      this.#atMs = this.#atMs.slice(this.#head);
      this.#failed = this.#failed.slice(this.#head);
      this.#head = 0;
    }
  }
}
