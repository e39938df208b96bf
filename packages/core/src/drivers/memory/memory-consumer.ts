/*
 * MemoryConsumer: one subscription to a MemoryQueue, with its prefetch budget (unsettled deliveries
 * at most; 0 means unlimited, as in AMQP). Cancelling stops new deliveries; handed-out ones may
 * still be settled. Pausing (a consumption breaker) leaves the queue's consumer list until resumed.
 */
import type { Consumer, Delivery } from '../../driver/driver.js';
import type { MemoryQueue } from './memory-queue.js';

export class MemoryConsumer implements Consumer {
  readonly pipeline: string;
  readonly #queue: MemoryQueue;
  readonly #prefetch: number;
  readonly #onDelivery: (delivery: Delivery) => void;
  readonly #isDriverReady: () => boolean;
  #state: 'active' | 'paused' | 'cancelled' = 'active';
  #unsettled = 0;

  constructor(pipeline: string, queue: MemoryQueue, options: { prefetch: number; onDelivery: (delivery: Delivery) => void }, isDriverReady: () => boolean) {
    this.pipeline = pipeline;
    this.#queue = queue;
    this.#prefetch = options.prefetch;
    this.#onDelivery = options.onDelivery;
    this.#isDriverReady = isDriverReady;
  }

  get isActive(): boolean {
    return this.#state === 'active';
  }

  get isConsuming(): boolean {
    return this.#state === 'active' && this.#isDriverReady();
  }

  /** Deliveries handed over and not yet acked or requeued. */
  get unsettled(): number {
    return this.#unsettled;
  }

  get hasCapacity(): boolean {
    return this.#state === 'active' && (this.#prefetch <= 0 || this.#unsettled < this.#prefetch);
  }

  deliver(delivery: Delivery): void {
    this.#unsettled += 1;
    try {
      this.#onDelivery(delivery);
    } catch {
      // onDelivery must not throw (Driver contract); if it does, the delivery stays unsettled like on a broker.
    }
  }

  settled(): void {
    this.#unsettled -= 1;
  }

  /** Stops new deliveries until resume(); handed-out ones may still be settled. */
  pause(): Promise<void> {
    if (this.#state === 'active') {
      this.#state = 'paused';
      this.#queue.removeConsumer(this);
    }
    return Promise.resolve();
  }

  /** Takes deliveries again after pause(). */
  resume(): Promise<void> {
    if (this.#state === 'paused') {
      this.#state = 'active';
      this.#queue.addConsumer(this);
    }
    return Promise.resolve();
  }

  cancel(): Promise<void> {
    if (this.#state === 'paused') this.#state = 'cancelled';
    if (this.#state === 'active') {
      this.#state = 'cancelled';
      this.#queue.removeConsumer(this);
    }
    return Promise.resolve();
  }
}
