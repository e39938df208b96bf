/*
 * HandledTracker: counts handler starts per sequence number for one measurement: how many were
 * handled, duplicates, the time of the last one, and promises for "N handled" / "seq handled".
 * Pure bookkeeping; the sides feed it through the handled probe.
 */
import { performance } from 'node:perf_hooks';
import type { BenchPayload } from './bench-payload.js';
import { onHandled } from './handled-probe.js';

export class HandledTracker {
  readonly #seen = new Map<number, number>();
  #duplicates = 0;
  #lastAtMs = 0;
  #waiters: Array<{ count: number; resolve: () => void }> = [];
  #seqWaiters = new Map<number, (atMs: number) => void>();
  #firstAfter: { afterMs: number; resolve: (atMs: number) => void } | undefined;

  /** Installs this tracker as the process-wide handled listener. */
  listen(): this {
    onHandled((payload, atMs) => this.record(payload, atMs));
    return this;
  }

  get handled(): number {
    return this.#seen.size;
  }

  get duplicates(): number {
    return this.#duplicates;
  }

  get lastAtMs(): number {
    return this.#lastAtMs;
  }

  has(seq: number): boolean {
    return this.#seen.has(seq);
  }

  record(payload: BenchPayload, atMs = performance.now()): void {
    const count = this.#seen.get(payload.seq) ?? 0;
    this.#seen.set(payload.seq, count + 1);
    if (count > 0) this.#duplicates++;
    this.#lastAtMs = atMs;
    this.#seqWaiters.get(payload.seq)?.(atMs);
    this.#seqWaiters.delete(payload.seq);
    if (this.#firstAfter && atMs >= this.#firstAfter.afterMs) {
      this.#firstAfter.resolve(atMs);
      this.#firstAfter = undefined;
    }
    if (this.#waiters.length > 0) {
      const size = this.#seen.size;
      this.#waiters = this.#waiters.filter((waiter) => (size >= waiter.count ? (waiter.resolve(), false) : true));
    }
  }

  /** Resolves once `count` distinct sequence numbers were handled, rejects after `timeoutMs`. */
  waitForCount(count: number, timeoutMs: number): Promise<void> {
    if (this.#seen.size >= count) return Promise.resolve();
    return withTimeout(new Promise<void>((resolve) => this.#waiters.push({ count, resolve })), timeoutMs,
      () => `only ${this.#seen.size} of ${count} jobs were handled within ${timeoutMs}ms`);
  }

  /** Resolves with the handling time of `seq`. */
  waitForSeq(seq: number, timeoutMs: number): Promise<number> {
    return withTimeout(new Promise<number>((resolve) => this.#seqWaiters.set(seq, resolve)), timeoutMs,
      () => `job ${seq} was not handled within ${timeoutMs}ms`);
  }

  /** Resolves with the time of the first job handled at or after `afterMs`. */
  waitForNextAfter(afterMs: number, timeoutMs: number): Promise<number> {
    if (this.#lastAtMs >= afterMs) return Promise.resolve(this.#lastAtMs);
    return withTimeout(new Promise<number>((resolve) => (this.#firstAfter = { afterMs, resolve })), timeoutMs,
      () => `no job was handled within ${timeoutMs}ms`);
  }
}

/** Races `promise` against a timer that rejects with `message()`; the timer never keeps the process alive. */
export function withTimeout<T>(promise: Promise<T>, timeoutMs: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), timeoutMs);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
