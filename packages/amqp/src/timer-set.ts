/*
 * TimerSet: the cancellable timers of one component (redial, disconnect timeout, watchdog, publish sweeper).
 * Closing the component calls cancelAll(), so nothing fires after close. Timers are unref'd only when asked.
 */

/** A scheduled callback that can be cancelled; cancelling twice is a no-op. */
export interface OwnedTimer {
  cancel(): void;
}

export class TimerSet {
  readonly #handles = new Set<NodeJS.Timeout>();
  #isCancelled = false;

  /** Runs `callback` once after `delayMs`, unless cancelled first. */
  after(delayMs: number, callback: () => void): OwnedTimer {
    if (this.#isCancelled) return { cancel: () => undefined };
    const handle = setTimeout(() => {
      this.#handles.delete(handle);
      callback();
    }, delayMs);
    this.#handles.add(handle);
    return { cancel: () => this.#clear(handle) };
  }

  /** Runs `callback` every `intervalMs` until cancelled. Interval timers do not keep the process alive. */
  every(intervalMs: number, callback: () => void): OwnedTimer {
    if (this.#isCancelled) return { cancel: () => undefined };
    const handle = setInterval(callback, intervalMs);
    handle.unref();
    this.#handles.add(handle);
    return { cancel: () => this.#clear(handle) };
  }

  /** Cancels every timer and refuses new ones. Idempotent. */
  cancelAll(): void {
    this.#isCancelled = true;
    for (const handle of this.#handles) clearTimeout(handle);
    this.#handles.clear();
  }

  #clear(handle: NodeJS.Timeout): void {
    clearTimeout(handle);
    this.#handles.delete(handle);
  }
}
