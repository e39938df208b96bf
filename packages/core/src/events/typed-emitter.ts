/*
 * TypedEmitter: a small event emitter typed by one event map, with object payloads.
 * A listener that throws is reported to `onListenerError` and never breaks the emitter.
 * Not for per-message events on hot paths: the publish promise or the job outcome reports those.
 */

/** An event map: event name → payload object. */
export type EventMap = { [event: string]: object };
/** A listener of one event: it receives the payload object. */
export type Listener<P> = (payload: P) => void;

/** An emitter typed by event map `M`; listener errors go to `onListenerError`, never to the emitter. */
export class TypedEmitter<M extends EventMap> {
  readonly #listeners = new Map<keyof M, Set<Listener<never>>>();

  /** Called when a listener throws; defaults to printing to stderr so the error is not lost. */
  onListenerError: (error: unknown, event: string) => void = (error, event) => {
    process.emitWarning(`warren: a listener for "${event}" threw: ${String(error)}`);
  };

  on<E extends keyof M>(event: E, listener: Listener<M[E]>): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  off<E extends keyof M>(event: E, listener: Listener<M[E]>): void {
    this.#listeners.get(event)?.delete(listener as Listener<never>);
  }

  /** Resolves with the next payload of `event`; rejects after `timeoutMs` or when `signal` aborts. */
  once<E extends keyof M>(event: E, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<M[E]> {
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        off();
        if (timer) clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };
      const off = this.on(event, (payload) => {
        cleanup();
        resolve(payload);
      });
      const onAbort = () => {
        cleanup();
        reject(options.signal?.reason ?? new Error(`aborted waiting for ${String(event)}`));
      };
      const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${options.timeoutMs}ms waiting for ${String(event)}`));
      }, options.timeoutMs);
      options.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  emit<E extends keyof M>(event: E, payload: M[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<M[E]>)(payload);
      } catch (error) {
        this.onListenerError(error, String(event));
      }
    }
  }

  listenerCount(event: keyof M): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }
}
