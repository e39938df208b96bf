/*
 * SteadyProducer: dispatches `total` jobs at a steady rate (one every `intervalMs`) through any
 * publish function and records each in a JobLedger (dispatching → confirmed | rejected). Publishes
 * are not awaited one by one: during an outage they pile up in the driver's outbox, as in production.
 */
import type { JobLedger } from './job-ledger.js';

export interface SteadyProducerOptions {
  readonly ledger: JobLedger;
  /** Publishes one job with this id; resolves when durable. */
  readonly publish: (id: string, sequence: number) => Promise<void>;
  /** Makes the id of the n-th job (default a UUID). */
  readonly idOf: (sequence: number) => string;
  /** Jobs to dispatch; Infinity = until stop(). */
  readonly total: number;
  readonly intervalMs: number;
}

export class SteadyProducer {
  readonly #options: SteadyProducerOptions;
  readonly #settled: Array<Promise<void>> = [];
  #timer: NodeJS.Timeout | undefined;
  #sent = 0;
  #finished!: () => void;
  /** Resolves once `total` publishes were started or stop() was called (not necessarily settled). */
  readonly allStarted: Promise<void>;

  constructor(options: SteadyProducerOptions) {
    this.#options = options;
    this.allStarted = new Promise((resolve) => (this.#finished = resolve));
  }

  get sent(): number {
    return this.#sent;
  }

  start(): this {
    this.#timer = setInterval(() => this.#tick(), this.#options.intervalMs);
    return this;
  }

  /** Stops dispatching; already started publishes keep settling. Idempotent. */
  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#finished();
  }

  /** Resolves once every job was started and every started publish settled. */
  async settled(): Promise<void> {
    await this.allStarted;
    await Promise.allSettled(this.#settled);
  }

  #tick(): void {
    if (this.#sent >= this.#options.total) {
      this.stop();
      return;
    }
    const sequence = this.#sent++;
    const id = this.#options.idOf(sequence);
    const { ledger } = this.#options;
    ledger.dispatching(id);
    this.#settled.push(
      this.#options.publish(id, sequence).then(
        () => ledger.confirmed(id),
        (error: unknown) => ledger.rejected(id, error),
      ),
    );
    if (this.#sent >= this.#options.total) this.stop();
  }
}
