/*
 * LocalSchedulerLease: the lease of a driver that cannot elect across processes (the memory driver, whose queues
 * live in this process anyway): held from the start, ticks recorded in memory. Running two processes with such a
 * driver runs each schedule in each of them; only a driver with openSchedulerLease (amqp) elects one.
 */
import type { Driver } from '../driver/driver.js';
import type { SchedulerLease, SchedulerLeaseEventMap } from '../driver/scheduler-lease.js';
import type { WireMessage } from '../driver/wire-message.js';
import { TypedEmitter } from '../events/typed-emitter.js';

export class LocalSchedulerLease implements SchedulerLease {
  readonly events = new TypedEmitter<SchedulerLeaseEventMap>();
  readonly #lastTicks = new Map<string, number>();
  #isHeld = true;

  constructor(readonly pipeline: string, private readonly driver: Driver) {
    // Announced on the next turn, once the scheduler listens.
    queueMicrotask(() => {
      if (this.#isHeld) this.events.emit('lease:acquired', { pipeline });
    });
  }

  get isHeld(): boolean {
    return this.#isHeld;
  }

  async lastTick(job: string): Promise<number | undefined> {
    return this.#lastTicks.get(job);
  }

  async dispatchTick(job: string, tickMs: number, message: WireMessage): Promise<void> {
    await this.driver.publish(this.pipeline, message);
    this.#lastTicks.set(job, Math.max(tickMs, this.#lastTicks.get(job) ?? tickMs));
  }

  async release(): Promise<void> {
    if (!this.#isHeld) return;
    this.#isHeld = false;
    this.events.emit('lease:lost', { pipeline: this.pipeline, reason: 'released' });
  }
}
