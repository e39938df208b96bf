/*
 * TimerSet: the cancellable timers of one component. Closing the component calls `close()` (or
 * `cancelAll()` to keep using it), so no timer outlives its owner. Delays beyond setTimeout's 32-bit
 * ceiling are chained, never cut short. A callback that throws is reported (onError) and never escapes
 * into the event loop, where it would end the process. Not a scheduler: no ordering or persistence.
 */
import { redactSecrets } from '../util/redact.js';

/** A scheduled callback that can be cancelled (cancelling twice, or after it fired, is a no-op). */
export interface OwnedTimer {
  cancel(): void;
}

/**
 * The longest single setTimeout step. Node fires any longer delay after 1ms (TimeoutOverflowWarning),
 * which would run a job delayed by 30 days at once; longer delays are chained in steps of this.
 */
export const MAX_TIMER_STEP_MS = 2 ** 31 - 1;

const NEVER: OwnedTimer = { cancel: () => undefined };

/** Options of a TimerSet. */
export interface TimerSetOptions {
  /** Told of a callback that threw; default: a process warning with code WARREN_ERR_WORKER_INTERNAL (redacted). */
  readonly onError?: (error: unknown) => void;
}

function warnCallbackThrew(error: unknown): void {
  let text: string;
  try {
    text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    text = 'an unprintable value';
  }
  process.emitWarning(redactSecrets(`warren: a timer callback threw; it keeps running: ${text}`), { code: 'WARREN_ERR_WORKER_INTERNAL' });
}

/** Owns a component's timers so that closing it can cancel them all at once. */
export class TimerSet {
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #onError: (error: unknown) => void;
  #isClosed = false;

  constructor(options: TimerSetOptions = {}) {
    this.#onError = options.onError ?? warnCallbackThrew;
  }

  #run(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      try {
        this.#onError(error);
      } catch {
        // a reporter that throws has nothing left to tell
      }
    }
  }

  /** Runs `callback` once after `delayMs` (Infinity: never), unless cancelled first. Does nothing once closed. */
  schedule(delayMs: number, callback: () => void): OwnedTimer {
    if (this.#isClosed) return NEVER;
    let remainingMs = Number.isNaN(delayMs) ? 0 : Math.max(0, delayMs);
    let handle: NodeJS.Timeout;
    const arm = (): void => {
      const stepMs = Math.min(remainingMs, MAX_TIMER_STEP_MS);
      remainingMs -= stepMs;
      handle = setTimeout(() => {
        this.#timers.delete(handle);
        if (remainingMs > 0) arm();
        else this.#run(callback);
      }, stepMs);
      this.#timers.add(handle);
    };
    arm();
    return {
      cancel: () => {
        if (this.#timers.delete(handle)) clearTimeout(handle);
      },
    };
  }

  /** Runs `callback` every `intervalMs` until cancelled. Intervals do not keep the process alive. Does nothing once closed. */
  every(intervalMs: number, callback: () => void): OwnedTimer {
    if (this.#isClosed) return NEVER;
    const handle = setInterval(() => this.#run(callback), intervalMs);
    handle.unref();
    this.#timers.add(handle);
    return {
      cancel: () => {
        if (this.#timers.delete(handle)) clearInterval(handle);
      },
    };
  }

  /** Timers scheduled and not yet fired or cancelled. */
  get size(): number {
    return this.#timers.size;
  }

  /** Cancels every pending timer; the set stays usable. */
  cancelAll(): void {
    for (const handle of this.#timers) clearTimeout(handle);
    this.#timers.clear();
  }

  /** Cancels every pending timer and refuses new ones: for an owner that is closed for good. Idempotent. */
  close(): void {
    this.#isClosed = true;
    this.cancelAll();
  }
}
