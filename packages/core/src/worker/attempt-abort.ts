/*
 * AttemptAbort: the abort side of one attempt, without an AbortController until someone needs one.
 * Most handlers never read ctx.signal and most jobs have no timeout, so the controller (an
 * EventTarget plus listeners, ~2 µs per job) is made only when ctx.signal is read; an abort that came
 * first is replayed onto it. The attempt's runner learns of an abort through one callback slot.
 */

/** Aborts one attempt (timeout or forced shutdown); makes the AbortSignal only on first access. */
export class AttemptAbort {
  #controller: AbortController | undefined;
  #isAborted = false;
  #reason: unknown;
  #onAbort: ((reason: unknown) => void) | undefined;

  /** True once abort() was called. */
  get isAborted(): boolean {
    return this.#isAborted;
  }

  /** The reason given to abort(), or undefined while not aborted. */
  get reason(): unknown {
    return this.#reason;
  }

  /** The attempt's AbortSignal (ctx.signal); created on first access, already aborted if the attempt was. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** The underlying controller, created on first access. */
  get controller(): AbortController {
    if (!this.#controller) {
      this.#controller = new AbortController();
      if (this.#isAborted) this.#controller.abort(this.#reason);
    }
    return this.#controller;
  }

  /**
   * Registers the one callback told of an abort (the attempt's runner); called at once when already
   * aborted. `undefined` unregisters it.
   */
  onAbort(callback: ((reason: unknown) => void) | undefined): void {
    this.#onAbort = callback;
    if (callback && this.#isAborted) callback(this.#reason);
  }

  /** Aborts once: a signal handed out fires, and the registered callback runs. Later calls do nothing. */
  abort(reason: unknown): void {
    if (this.#isAborted) return;
    this.#isAborted = true;
    // Without a reason, AbortController makes the standard AbortError; keep that behaviour.
    this.#reason = reason === undefined ? this.controller.signal.reason : reason;
    this.#controller?.abort(this.#reason);
    this.#onAbort?.(this.#reason);
  }
}
