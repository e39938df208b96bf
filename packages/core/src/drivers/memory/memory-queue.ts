/*
 * MemoryQueue: one in-process queue. Ready messages ordered by priority (higher first) then FIFO;
 * requeued messages return to the head of their priority band, marked redelivered. Hands messages to
 * its consumers round-robin within their prefetch, and keeps the queue's dead letters.
 * Delayed messages are timers owned by the driver; the queue only counts them.
 */
import type { Delivery } from '../../driver/driver.js';
import type { WireMessage } from '../../driver/wire-message.js';
import { copyWireMessage } from './copy-wire-message.js';
import type { MemoryConsumer } from './memory-consumer.js';
import { ReadyLine } from './ready-line.js';

interface StoredMessage {
  readonly message: WireMessage;
  readonly priority: number;
  readonly isRedelivered: boolean;
}

export class MemoryQueue {
  readonly name: string;
  readonly #ready = new ReadyLine<StoredMessage>();
  readonly #deadLetters: WireMessage[] = [];
  readonly #consumers: MemoryConsumer[] = [];
  readonly #canDeliver: () => boolean;
  #nextConsumer = 0;
  #unacked = 0;
  #isPumpScheduled = false;
  /** Delayed messages not yet due (maintained by the driver). */
  delayed = 0;

  constructor(name: string, canDeliver: () => boolean) {
    this.name = name;
    this.#canDeliver = canDeliver;
  }

  get readyCount(): number {
    return this.#ready.length;
  }

  get unackedCount(): number {
    return this.#unacked;
  }

  get consumerCount(): number {
    return this.#consumers.filter((consumer) => consumer.isActive).length;
  }

  get deadLetterCount(): number {
    return this.#deadLetters.length;
  }

  /** Appends a copy of `message` behind every ready message of equal or higher priority. */
  enqueue(message: WireMessage): void {
    this.#ready.pushBack({ message: copyWireMessage(message), priority: message.properties.priority ?? 0, isRedelivered: false });
    this.schedulePump();
  }

  addConsumer(consumer: MemoryConsumer): void {
    this.#consumers.push(consumer);
    this.schedulePump();
  }

  removeConsumer(consumer: MemoryConsumer): void {
    const index = this.#consumers.indexOf(consumer);
    if (index !== -1) this.#consumers.splice(index, 1);
  }

  addDeadLetter(message: WireMessage): void {
    this.#deadLetters.push(copyWireMessage(message));
  }

  peekDeadLetters(limit: number): WireMessage[] {
    return this.#deadLetters.slice(0, Math.max(0, limit)).map(copyWireMessage);
  }

  /** Removes and returns up to `limit` dead letters, oldest first. */
  takeDeadLetters(limit: number): WireMessage[] {
    return this.#deadLetters.splice(0, Math.max(0, limit));
  }

  purgeDeadLetters(): number {
    return this.#deadLetters.splice(0).length;
  }

  /** Delivers on a later microtask, so a publish never re-enters a consumer's callback synchronously. */
  schedulePump(): void {
    if (this.#isPumpScheduled) return;
    this.#isPumpScheduled = true;
    queueMicrotask(() => {
      this.#isPumpScheduled = false;
      this.#pump();
    });
  }

  #pump(): void {
    while (this.#ready.length > 0 && this.#canDeliver()) {
      const consumer = this.#pickConsumer();
      if (!consumer) return;
      const stored = this.#ready.takeFirst() as StoredMessage;
      this.#unacked += 1;
      consumer.deliver(this.#createDelivery(stored, consumer));
    }
  }

  #pickConsumer(): MemoryConsumer | undefined {
    for (let tried = 0; tried < this.#consumers.length; tried += 1) {
      const consumer = this.#consumers[(this.#nextConsumer + tried) % this.#consumers.length] as MemoryConsumer;
      if (consumer.hasCapacity) {
        this.#nextConsumer = (this.#nextConsumer + tried + 1) % this.#consumers.length;
        return consumer;
      }
    }
    return undefined;
  }

  #createDelivery(stored: StoredMessage, consumer: MemoryConsumer): Delivery {
    const copy = copyWireMessage(stored.message);
    let isSettled = false;
    const settle = (requeue: boolean) => {
      // Settling twice, or after the driver closed, is ignored like an ack on a dead AMQP channel.
      if (isSettled || !this.#canDeliver()) return;
      isSettled = true;
      this.#unacked -= 1;
      consumer.settled();
      if (requeue) {
        this.#ready.pushFront({ ...stored, isRedelivered: true });
      }
      this.schedulePump();
    };
    return {
      body: copy.body,
      properties: copy.properties,
      redelivered: stored.isRedelivered,
      ack: () => settle(false),
      requeue: () => settle(true),
    };
  }
}
