/*
 * HeldDeliveries: the bookkeeping of what one worker holds unsettled — deliveries waiting locally for
 * a concurrency slot (oldest first) and those running — and waiting for them to drain at stop.
 * Does not run or settle jobs itself (pipeline-worker.ts does), except requeueing or abandoning at stop.
 */
import { InFlightDelivery } from './in-flight-delivery.js';
import type { TimerSet } from './timer-set.js';

export class HeldDeliveries {
  readonly #timers: TimerSet;
  /**
   * Every held delivery, in no order; each knows its index (InFlightDelivery.heldIndex), so removal swaps the last
   * one in. A Set here rebuilt its table every few hundred jobs, and those tables were promoted (bench/PERF-NOTES.md).
   */
  readonly #held: InFlightDelivery[] = [];
  readonly #waiting: InFlightDelivery[] = [];
  readonly #idleWaiters = new Set<(isDrained: boolean) => void>();
  #runningCount = 0;
  /** Upper bound of any drain wait; cutShort() lowers it to 0, also for a wait not yet begun. */
  #maxDrainMs = Number.POSITIVE_INFINITY;

  constructor(timers: TimerSet) {
    this.#timers = timers;
  }

  /** Deliveries held unsettled: running plus waiting. */
  get size(): number {
    return this.#held.length;
  }

  /** Deliveries whose attempt is running now. */
  get runningCount(): number {
    return this.#runningCount;
  }

  /** The deliveries whose attempt is running now (for the stuck-job watch; not the hot path). */
  running(): InFlightDelivery[] {
    return this.#held.filter((entry) => entry.state === 'running');
  }

  /** Holds a new delivery at the back of the local wait line. */
  add(entry: InFlightDelivery): void {
    entry.heldIndex = this.#held.push(entry) - 1;
    this.#waiting.push(entry);
  }

  /** The oldest waiting delivery, left waiting. */
  peekNext(): InFlightDelivery | undefined {
    return this.#waiting[0];
  }

  /** Takes the oldest waiting delivery into a running slot, or undefined when none waits. */
  startNext(): InFlightDelivery | undefined {
    const entry = this.#waiting.shift();
    if (!entry) return undefined;
    entry.start();
    this.#runningCount += 1;
    return entry;
  }

  /** The deliveries waiting for a slot, oldest first (read only: for a rate gate to choose from). */
  get waitingLine(): readonly InFlightDelivery[] {
    return this.#waiting;
  }

  /** Takes the waiting delivery at `index` of waitingLine into a running slot. */
  startAt(index: number): InFlightDelivery {
    const [entry] = this.#waiting.splice(index, 1);
    entry!.start();
    this.#runningCount += 1;
    return entry!;
  }

  /** A running delivery is done (settled, or abandoned earlier); wakes drain waiters once none is held. */
  finish(entry: InFlightDelivery): void {
    this.#runningCount -= 1;
    this.#release(entry);
    if (this.#held.length === 0) for (const wake of [...this.#idleWaiters]) wake(true);
  }

  /** Requeues every delivery still waiting for a slot; returns how many. */
  requeueWaiting(): number {
    const waiting = this.#waiting.splice(0);
    for (const entry of waiting) {
      entry.requeue();
      this.#release(entry);
    }
    return waiting.length;
  }

  /**
   * The transport lost every delivery whose `lost` signal is `signal`: those waiting leave the line without running,
   * running ones are aborted with `reason` (their results are ignored). Returns how many were lost.
   */
  loseAll(signal: AbortSignal, reason: unknown): number {
    let count = 0;
    for (const entry of [...this.#held]) {
      if (entry.delivery.lost !== signal) continue;
      count += 1;
      entry.lose(reason);
      if (entry.state === 'lost' && this.#waiting.includes(entry)) {
        this.#waiting.splice(this.#waiting.indexOf(entry), 1);
        this.#release(entry);
      }
    }
    if (count > 0 && this.#held.length === 0) for (const wake of [...this.#idleWaiters]) wake(true);
    return count;
  }

  /** Aborts and requeues everything still held (late results are then ignored); returns how many. */
  abandonAll(reason: unknown): number {
    const held = this.#held.splice(0);
    for (const entry of held) {
      entry.heldIndex = -1;
      entry.abandon(reason);
    }
    this.#waiting.length = 0;
    return held.length;
  }

  /** The longest a drain may wait from now, given `timeoutMs` and any cutShort(). */
  drainBoundMs(timeoutMs: number): number {
    return Math.min(timeoutMs, this.#maxDrainMs);
  }

  /** Resolves true once nothing is held, or false after `timeoutMs` or a cutShort(). */
  waitForIdle(timeoutMs: number): Promise<boolean> {
    if (this.#held.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (isDrained: boolean) => {
        this.#idleWaiters.delete(done);
        timer.cancel();
        resolve(isDrained);
      };
      const timer = this.#timers.schedule(this.drainBoundMs(timeoutMs), () => done(false));
      this.#idleWaiters.add(done);
    });
  }

  /** Removes `entry` (if still held) by moving the last held one into its place. */
  #release(entry: InFlightDelivery): void {
    const index = entry.heldIndex;
    if (index < 0 || this.#held[index] !== entry) return;
    const last = this.#held.pop() as InFlightDelivery;
    if (last !== entry) {
      this.#held[index] = last;
      last.heldIndex = index;
    }
    entry.heldIndex = -1;
  }

  /** Ends any drain wait now (resolving it false), and every later one at once. */
  cutShort(): void {
    this.#maxDrainMs = 0;
    for (const wake of [...this.#idleWaiters]) wake(false);
  }
}
