/*
 * TimerSet: the cancellable timers of one component. Closing the component calls `cancelAll()`, so no
 * timer outlives its owner. Not a scheduler: no ordering or persistence.
 */

/** A scheduled callback that can be cancelled (cancelling twice, or after it fired, is a no-op). */
export interface OwnedTimer {
  cancel(): void;
}

export class TimerSet {
  readonly #timers = new Set<NodeJS.Timeout>();

  /** Runs `callback` once after `delayMs`, unless cancelled first. */
  schedule(delayMs: number, callback: () => void): OwnedTimer {
    const handle = setTimeout(() => {
      this.#timers.delete(handle);
      callback();
    }, Math.max(0, delayMs));
    this.#timers.add(handle);
    return {
      cancel: () => {
        if (this.#timers.delete(handle)) clearTimeout(handle);
      },
    };
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get size(): number {
    return this.#timers.size;
  }

  cancelAll(): void {
    for (const handle of this.#timers) clearTimeout(handle);
    this.#timers.clear();
  }
}
