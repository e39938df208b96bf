/*
 * ConfirmTracker: the sent-but-unconfirmed publishes of one confirm channel, by delivery tag.
 * Applies broker ack/nack (single or multiple), expires entries past their deadline and hands back
 * the unconfirmed ones when the channel dies. Pure apart from settling the entries' promises.
 */
import { amqpError } from '../errors.js';
import { settleEntry, type PublishEntry } from './publish-entry.js';

export class ConfirmTracker {
  // A Map iterates in insertion order, which is delivery-tag order.
  readonly #pending = new Map<number, PublishEntry>();
  #nextTag = 1;
  readonly #onReturned: ((entry: PublishEntry) => boolean) | undefined;

  /** `onReturned` may take over a returned publish (re-declare and re-send); return false to reject it. */
  constructor(onReturned?: (entry: PublishEntry) => boolean) {
    this.#onReturned = onReturned;
  }

  get size(): number {
    return this.#pending.size;
  }

  /** Records a publish just sent; returns its delivery tag (1, 2, ... per channel, as the broker counts). */
  add(entry: PublishEntry): number {
    const tag = this.#nextTag++;
    this.#pending.set(tag, entry);
    return tag;
  }

  /** Applies basic.ack / basic.nack for `tag` (and every earlier one when `multiple`). Returns how many settled with success. */
  confirm(tag: number, multiple: boolean, isNack: boolean): number {
    let succeeded = 0;
    if (!multiple) {
      const entry = this.#pending.get(tag);
      if (!entry) return 0;
      this.#pending.delete(tag);
      return this.#settle(entry, isNack) ? 1 : 0;
    }
    for (const [pendingTag, entry] of this.#pending) {
      if (pendingTag > tag) break;
      this.#pending.delete(pendingTag);
      if (this.#settle(entry, isNack)) succeeded++;
    }
    return succeeded;
  }

  /** Marks the first unsettled entry with `messageId` as returned (unroutable); its ack then rejects it. */
  markReturned(messageId: string | undefined): void {
    for (const entry of this.#pending.values()) {
      if (!entry.isReturned && (messageId === undefined || entry.options.messageId === messageId)) {
        entry.isReturned = true;
        return;
      }
    }
  }

  /** Rejects entries whose deadline passed with WARREN_ERR_AMQP_PUBLISH_TIMEOUT; returns how many. */
  expire(nowMs: number, timeoutMs: number): number {
    let expired = 0;
    for (const [tag, entry] of this.#pending) {
      // Deadlines grow with tags, so the first live one ends the scan.
      if (entry.deadlineMs > nowMs) break;
      this.#pending.delete(tag);
      if (entry.isSettled) continue;
      expired++;
      settleEntry(entry, amqpError('WARREN_ERR_AMQP_PUBLISH_TIMEOUT', `RabbitMQ did not confirm the publish to "${entry.queue}" within ${timeoutMs}ms`, {
        details: { queue: entry.queue, messageId: entry.options.messageId },
      }));
    }
    return expired;
  }

  /** Moves every pending deadline to `deadlineMs` (the broker withheld confirms while it blocked us). */
  extendDeadlines(deadlineMs: number): void {
    for (const entry of this.#pending.values()) entry.deadlineMs = Math.max(entry.deadlineMs, deadlineMs);
  }

  /** Removes and returns every unsettled entry, oldest first (their channel died before confirming them). */
  takeUnconfirmed(): PublishEntry[] {
    const entries = [...this.#pending.values()].filter((entry) => !entry.isSettled);
    this.#pending.clear();
    return entries;
  }

  #settle(entry: PublishEntry, isNack: boolean): boolean {
    if (entry.isSettled) return false;
    if (isNack) {
      settleEntry(entry, amqpError('WARREN_ERR_AMQP_PUBLISH_NACKED', `RabbitMQ nacked the publish to "${entry.queue}"`, {
        details: { queue: entry.queue, messageId: entry.options.messageId },
      }));
      return false;
    }
    if (entry.isReturned) {
      if (this.#onReturned?.(entry)) return false;
      settleEntry(entry, amqpError('WARREN_ERR_AMQP_PUBLISH_UNROUTABLE', `the publish to "${entry.queue}" was returned as unroutable (does the queue exist?)`, {
        details: { queue: entry.queue, messageId: entry.options.messageId },
      }));
      return false;
    }
    settleEntry(entry);
    return true;
  }
}
