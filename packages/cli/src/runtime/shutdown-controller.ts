/*
 * ShutdownController: turns SIGTERM/SIGINT and driver failures into one shutdown decision for
 * `warren run`. The first signal asks for a graceful drain, a second one forces exit; a failed
 * driver ends the run with a failure. Owns no I/O besides the signal listeners it installs.
 *
 * States: running (start) → draining (first signal) → forcing (second signal);
 *         running → failing (driver failed) → forcing (a signal while failing).
 */

export type ShutdownState = 'running' | 'draining' | 'failing' | 'forcing';

/** Why the run ends: a graceful stop on a signal, or a failure (e.g. a driver reached `failed`). */
export type ShutdownRequest = { readonly kind: 'signal'; readonly signal: string } | { readonly kind: 'failure'; readonly reason: string };

export const SHUTDOWN_TRANSITIONS: Readonly<Record<ShutdownState, readonly ShutdownState[]>> = {
  running: ['draining', 'failing'],
  draining: ['forcing'],
  failing: ['forcing'],
  forcing: [],
};

export interface ShutdownControllerOptions {
  /** Called once, on the second signal: abort in-flight jobs (never ack them) and exit non-zero. */
  readonly onForce: (signal: string) => void;
  /** Receives every state change, for the log. */
  readonly onTransition?: (change: { from: ShutdownState; to: ShutdownState; reason: string }) => void;
}

export class ShutdownController {
  #state: ShutdownState = 'running';
  #resolveRequest: (request: ShutdownRequest) => void = () => {};
  /** Resolves once, with the first reason to stop. */
  readonly requested: Promise<ShutdownRequest>;
  readonly #listeners = new Map<NodeJS.Signals, () => void>();

  constructor(private readonly options: ShutdownControllerOptions) {
    this.requested = new Promise((resolve) => (this.#resolveRequest = resolve));
  }

  get state(): ShutdownState {
    return this.#state;
  }

  /** Handles one signal; returns what it caused. */
  signal(signal: string): 'drain' | 'force' | 'ignored' {
    if (this.#state === 'running') {
      this.#transition('draining', signal);
      this.#resolveRequest({ kind: 'signal', signal });
      return 'drain';
    }
    if (this.#state === 'draining' || this.#state === 'failing') {
      this.#transition('forcing', `second signal ${signal}`);
      this.options.onForce(signal);
      return 'force';
    }
    return 'ignored';
  }

  /** A component failed for good (a driver reached `failed`): stop with a failure. Ignored once stopping. */
  fail(reason: string): void {
    if (this.#state !== 'running') return;
    this.#transition('failing', reason);
    this.#resolveRequest({ kind: 'failure', reason });
  }

  /** Listens for `signals` on the process until dispose(). */
  install(signals: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT']): void {
    for (const name of signals) {
      if (this.#listeners.has(name)) continue;
      const listener = () => void this.signal(name); // the outcome is reported through onTransition
      this.#listeners.set(name, listener);
      process.on(name, listener);
    }
  }

  /** Removes the signal listeners. Idempotent. */
  dispose(): void {
    for (const [name, listener] of this.#listeners) process.off(name, listener);
    this.#listeners.clear();
  }

  #transition(to: ShutdownState, reason: string): void {
    const from = this.#state;
    if (!SHUTDOWN_TRANSITIONS[from].includes(to)) throw new Error(`shutdown cannot go from ${from} to ${to}`);
    this.#state = to;
    this.options.onTransition?.({ from, to, reason });
  }
}
