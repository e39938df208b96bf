/*
 * RedialTracker: the counting side of redialing — redials made, consecutive failures, the delay before
 * the next attempt (redial schedule with jitter) and when the alert threshold is crossed. Pure: the
 * connection manager owns the timer, the log line and the state machine.
 */
import type { AmqpSection } from '../amqp-options.js';
import { redialDelayMs } from './redial-schedule.js';

export class RedialTracker {
  #redials = 0;
  #consecutiveFailures = 0;
  /** 1 while the first redial of this outage went out at once and so used no schedule step. */
  #immediateRedials = 0;
  readonly #redial: AmqpSection['redial'];
  readonly #random: () => number;

  constructor(redial: AmqpSection['redial'], random: () => number = Math.random) {
    this.#redial = redial;
    this.#random = random;
  }

  /** Redial attempts made since start. */
  get redials(): number {
    return this.#redials;
  }

  /** Failed attempts (dial or setup) since the last connection that became ready. */
  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  /** 1 once `alert_after` consecutive redials failed (until a connection is ready again), else 0. */
  get alertGauge(): number {
    return this.#consecutiveFailures >= this.#redial.alertAfter ? 1 : 0;
  }

  /** An attempt (dial or setup) failed. */
  recordFailure(): void {
    this.#consecutiveFailures++;
  }

  /** A connection became ready: the schedule starts over. */
  recordReady(): void {
    this.#consecutiveFailures = 0;
    this.#immediateRedials = 0;
  }

  /**
   * A ready connection was lost. `isImmediate`: the broker is most likely still there (it forced the close, or the
   * socket broke), so the first redial goes out at once and the schedule applies from the second attempt.
   */
  recordLost(isImmediate: boolean): void {
    this.#immediateRedials = isImmediate ? 1 : 0;
  }

  /** A redial is about to be made. */
  recordRedial(): void {
    this.#redials++;
  }

  /** The delay before the next attempt: 0 for an immediate first redial, else schedule step `consecutiveFailures + 1` (less the immediate one), with jitter. */
  nextDelayMs(): number {
    const step = this.#consecutiveFailures + 1 - this.#immediateRedials;
    if (step <= 0) return 0;
    return redialDelayMs(this.#redial.scheduleMs, step, this.#redial.jitter, this.#random);
  }

  /** True at `alert_after` consecutive failures and again at every multiple: log the alert now. */
  isAlertDue(): boolean {
    return this.#consecutiveFailures > 0 && this.#consecutiveFailures % this.#redial.alertAfter === 0;
  }
}
