/*
 * ChannelRetry: when one channel (a publisher's or a consumer's) is reopened after a channel-level error while its
 * connection lives — on CHANNEL_RETRY_SCHEDULE_MS with jitter, counting failures until an open succeeds.
 * Owns only that one timer (in the owner's TimerSet, so closing the owner cancels it); does not open channels.
 */
import { TimerSet, type OwnedTimer } from '@warren/core';
import { CHANNEL_RETRY_SCHEDULE_MS, redialDelayMs } from './redial-schedule.js';

export class ChannelRetry {
  readonly #timers: TimerSet;
  #failures = 0;
  #pending: OwnedTimer | undefined;

  constructor(timers: TimerSet) {
    this.#timers = timers;
  }

  /** Runs `reopen` after the next step of the schedule, or `minDelayMs` if longer (replacing a pending one); returns the delay. */
  schedule(reopen: () => void, minDelayMs = 0): number {
    this.cancel();
    const delayMs = Math.max(minDelayMs, redialDelayMs(CHANNEL_RETRY_SCHEDULE_MS, ++this.#failures, 0.2));
    this.#pending = this.#timers.schedule(delayMs, () => {
      this.#pending = undefined;
      reopen();
    });
    return delayMs;
  }

  /** The channel opened: the schedule starts over next time. */
  succeeded(): void {
    this.#failures = 0;
  }

  /** The connection went (or the owner closed): nothing to reopen on. */
  cancel(): void {
    this.#pending?.cancel();
    this.#pending = undefined;
  }
}
