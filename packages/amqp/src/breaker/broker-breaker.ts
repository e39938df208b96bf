/*
 * BrokerBreaker: an opossum circuit breaker around connecting and publishing. The hot publish path only
 * reads `isOpen` (no per-message opossum call); failures — rare — are recorded through opossum, so its
 * rolling window and half-open logic decide. Owns no outbox and no timers of its own besides opossum's.
 */
import { createRequire } from 'node:module';
import type CircuitBreaker from 'opossum';
import { TypedEmitter } from '@warren/core';

// require(), not import: opossum is CommonJS, and an ESM import makes Node scan its source for named exports
// (an idle worker's RSS, bench/PERF-NOTES.md).
const CircuitBreakerClass = createRequire(import.meta.url)('opossum') as typeof CircuitBreaker;

/** Breaker state as shown in status().gauges.breaker. */
export type BreakerState = 'closed' | 'open' | 'halfOpen';

export type BrokerBreakerEventMap = {
  /** The breaker changed state (open after too many failures, halfOpen after reset timeout, closed after a success). */
  'breaker:state': { from: BreakerState; to: BreakerState };
};

export interface BrokerBreakerOptions {
  /** Failures within the rolling window that open the breaker. */
  readonly failureThreshold: number;
  /** Time the breaker stays open before half-open. */
  readonly resetTimeoutMs: number;
  /** Rolling window of failure counting; default 10s. */
  readonly rollingWindowMs?: number;
}

// The action only relays the outcome it is given: opossum is used for its window, thresholds and timers.
function relayOutcome(error: Error | undefined): Promise<void> {
  return error ? Promise.reject(error) : Promise.resolve();
}

export class BrokerBreaker {
  readonly events = new TypedEmitter<BrokerBreakerEventMap>();
  readonly #circuit: CircuitBreaker<[Error | undefined], void>;
  #state: BreakerState = 'closed';

  constructor(options: BrokerBreakerOptions) {
    this.#circuit = new CircuitBreakerClass(relayOutcome, {
      timeout: false,
      resetTimeout: options.resetTimeoutMs,
      rollingCountTimeout: options.rollingWindowMs ?? 10_000,
      // Only failures (and connect successes) are recorded, so the rate is near 100% once the volume is reached:
      // the volume threshold is the failure count that opens the breaker.
      volumeThreshold: options.failureThreshold,
      errorThresholdPercentage: 0,
      enableSnapshots: false,
      rollingPercentilesEnabled: false,
    });
    this.#circuit.on('open', () => this.#setState('open'));
    this.#circuit.on('halfOpen', () => this.#setState('halfOpen'));
    this.#circuit.on('close', () => this.#setState('closed'));
  }

  get state(): BreakerState {
    return this.#state;
  }

  /** True while operations should not be tried (buffer publishes instead). Half-open lets a trial through. */
  get isOpen(): boolean {
    return this.#state === 'open';
  }

  /** Records a failed broker operation (dial failed, publish nacked or timed out). */
  recordFailure(error: Error): void {
    if (this.#circuit.isShutdown) return;
    // The rejection is the recorded outcome itself; nothing waits on it.
    this.#circuit.fire(error).catch(() => undefined);
  }

  /** Records a successful operation; a half-open breaker closes. */
  recordSuccess(): void {
    if (this.#circuit.isShutdown) return;
    if (this.#state !== 'closed') this.#circuit.close();
  }

  /** Stops opossum's timers. Idempotent. */
  shutdown(): void {
    if (!this.#circuit.isShutdown) this.#circuit.shutdown();
    this.events.removeAllListeners();
  }

  #setState(to: BreakerState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.events.emit('breaker:state', { from, to });
  }
}
