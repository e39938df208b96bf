/*
 * Outbox: the bounded FIFO of publishes accepted while they cannot be sent (disconnected, blocked,
 * breaker open, channel backpressure). Flushed in order. Pure data structure: no I/O, no timers.
 */

export class Outbox<T> {
  #items: T[] = [];
  #head = 0;
  readonly maxMessages: number;

  constructor(maxMessages: number) {
    this.maxMessages = maxMessages;
  }

  get size(): number {
    return this.#items.length - this.#head;
  }

  get isEmpty(): boolean {
    return this.size === 0;
  }

  get isFull(): boolean {
    return this.size >= this.maxMessages;
  }

  /** Appends; returns false (and keeps nothing) when full. */
  push(item: T): boolean {
    if (this.isFull) return false;
    this.#items.push(item);
    return true;
  }

  /** Appends even when full: for items that wait only briefly while connected (a delay-queue declare), not for an outage. */
  pushPastLimit(item: T): void {
    this.#items.push(item);
  }

  /**
   * Puts already-accepted items back at the front, in their order (unconfirmed sends of a lost channel).
   * Ignores the bound: these were accepted once and must not be dropped.
   */
  requeueFront(items: readonly T[]): void {
    if (items.length === 0) return;
    this.#items = [...items, ...this.#items.slice(this.#head)];
    this.#head = 0;
  }

  /** The oldest item, without removing it. */
  peek(): T | undefined {
    return this.size === 0 ? undefined : this.#items[this.#head];
  }

  /** Removes and returns the oldest item. */
  shift(): T | undefined {
    if (this.size === 0) return undefined;
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined as T; // let the body be collected
    this.#head++;
    // Compact now and then so a long outage does not keep a long array of holes.
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item;
  }

  /** Removes and returns everything, oldest first. */
  drain(): T[] {
    const items = this.#items.slice(this.#head);
    this.#items = [];
    this.#head = 0;
    return items;
  }
}
