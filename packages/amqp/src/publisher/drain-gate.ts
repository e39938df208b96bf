/*
 * DrainGate: lets close() wait, without polling, until the publisher has nothing left to send or confirm
 * (or can send nothing any more), bounded by a deadline. The publisher calls check() whenever that may have
 * changed (a confirm, an expiry, a state change). Knows nothing about channels or entries.
 */
import { settleWithin } from '../settle-within.js';

export class DrainGate {
  readonly #isDrained: () => boolean;
  #wake: (() => void) | undefined;

  constructor(isDrained: () => boolean) {
    this.#isDrained = isDrained;
  }

  /** Resolves once isDrained() holds at a check(), or at `deadlineMs` (epoch ms), whichever comes first. */
  async wait(deadlineMs: number): Promise<void> {
    const drained = new Promise<void>((resolve) => (this.#wake = resolve));
    this.check();
    await settleWithin(drained, deadlineMs);
    this.#wake = undefined;
  }

  /** Wakes a waiting wait() when drained now; costs one field read when nobody waits (the confirm path calls it). */
  check(): void {
    if (this.#wake && this.#isDrained()) this.#wake();
  }
}
