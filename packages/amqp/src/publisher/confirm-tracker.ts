/*
 * ConfirmTracker: the sent-but-unconfirmed publishes of one confirm channel, by delivery tag.
 * Applies broker ack/nack (single or multiple), expires entries past their deadline and hands back
 * the unconfirmed ones when the channel dies. Pure apart from settling the entries' promises.
 */
import { amqpError } from '../errors.js';
import { QUEUE_NODE_DOWN } from '../topology/topology-declarer.js';
import { settleEntry, type PublishEntry } from './publish-entry.js';

const INITIAL_CAPACITY = 64; // a power of two; doubles when full

export class ConfirmTracker {
  // Tags are consecutive, so the pending entries sit in a ring by tag: slot of `tag` is
  // (#head + tag - #firstTag) & mask. No allocation per publish (a Map rehashed its ~60 KB table every
  // ~1000 publishes, and those tables lived long enough to be promoted; see bench/PERF-NOTES.md).
  // A slot is undefined once its entry left out of order (single confirm); the head slot never is.
  #ring: (PublishEntry | undefined)[] = new Array<PublishEntry | undefined>(INITIAL_CAPACITY);
  #head = 0;
  /** Slots in use from #head, holes included: #firstTag + #span === #nextTag. */
  #span = 0;
  #firstTag = 1;
  #nextTag = 1;
  /** Entries held (holes excluded). */
  #size = 0;
  readonly #onReturned: ((entry: PublishEntry) => boolean) | undefined;
  readonly #onNacked: ((entry: PublishEntry) => boolean) | undefined;

  /**
   * `onReturned` may take over a returned publish (re-declare and re-send), `onNacked` a nacked one (re-send); either
   * returns false to have it rejected.
   */
  constructor(onReturned?: (entry: PublishEntry) => boolean, onNacked?: (entry: PublishEntry) => boolean) {
    this.#onReturned = onReturned;
    this.#onNacked = onNacked;
  }

  get size(): number {
    return this.#size;
  }

  /** Records a publish just sent; returns its delivery tag (1, 2, ... per channel, as the broker counts). */
  add(entry: PublishEntry): number {
    if (this.#span === this.#ring.length) this.#grow();
    this.#ring[(this.#head + this.#span) & (this.#ring.length - 1)] = entry;
    this.#span++;
    this.#size++;
    return this.#nextTag++;
  }

  /** Applies basic.ack / basic.nack for `tag` (and every earlier one when `multiple`). Returns how many settled with success. */
  confirm(tag: number, multiple: boolean, isNack: boolean): number {
    let succeeded = 0;
    if (!multiple) {
      if (tag < this.#firstTag || tag >= this.#nextTag) return 0;
      const slot = (this.#head + tag - this.#firstTag) & (this.#ring.length - 1);
      const entry = this.#ring[slot];
      if (!entry) return 0;
      this.#ring[slot] = undefined;
      this.#size--;
      this.#skipHoles();
      return this.#settle(entry, isNack) ? 1 : 0;
    }
    // Settling may add (a returned publish re-sent at once): new tags are above `tag`, so the loop ends before them.
    while (this.#span > 0 && this.#firstTag <= tag) {
      const entry = this.#shift();
      if (this.#settle(entry, isNack)) succeeded++;
    }
    return succeeded;
  }

  /** Marks the first unsettled entry with `messageId` as returned (unroutable); its ack then rejects it. */
  markReturned(messageId: string | undefined): void {
    for (const entry of this.#entries()) {
      if (!entry.isReturned && (messageId === undefined || entry.message.properties.messageId === messageId)) {
        entry.isReturned = true;
        return;
      }
    }
  }

  /** Rejects entries whose deadline passed with WARREN_ERR_AMQP_PUBLISH_TIMEOUT; returns how many. */
  expire(nowMs: number, timeoutMs: number): number {
    let expired = 0;
    while (this.#span > 0) {
      // Deadlines grow with tags, so the first live one ends the scan.
      if (this.#ring[this.#head]!.deadlineMs > nowMs) break;
      const entry = this.#shift();
      if (entry.isSettled) continue;
      expired++;
      settleEntry(entry, amqpError('WARREN_ERR_AMQP_PUBLISH_TIMEOUT', `RabbitMQ did not confirm the publish to "${entry.queue}" within ${timeoutMs}ms`, {
        details: { queue: entry.queue, messageId: entry.message.properties.messageId },
      }));
    }
    return expired;
  }

  /** Moves every pending deadline to `deadlineMs` (the broker withheld confirms while it blocked us). */
  extendDeadlines(deadlineMs: number): void {
    for (const entry of this.#entries()) entry.deadlineMs = Math.max(entry.deadlineMs, deadlineMs);
  }

  /** Removes and returns every unsettled entry, oldest first (their channel died before confirming them). */
  takeUnconfirmed(): PublishEntry[] {
    const entries = [...this.#entries()].filter((entry) => !entry.isSettled);
    this.#ring = new Array<PublishEntry | undefined>(INITIAL_CAPACITY);
    this.#head = 0;
    this.#span = 0;
    this.#size = 0;
    this.#firstTag = this.#nextTag;
    return entries;
  }

  /** Held entries, oldest tag first. */
  *#entries(): Generator<PublishEntry> {
    const mask = this.#ring.length - 1;
    for (let offset = 0; offset < this.#span; offset++) {
      const entry = this.#ring[(this.#head + offset) & mask];
      if (entry) yield entry;
    }
  }

  /** Removes and returns the head entry (the caller checked #span > 0). */
  #shift(): PublishEntry {
    const entry = this.#ring[this.#head]!;
    this.#ring[this.#head] = undefined;
    this.#head = (this.#head + 1) & (this.#ring.length - 1);
    this.#span--;
    this.#firstTag++;
    this.#size--;
    this.#skipHoles();
    return entry;
  }

  /** Drops holes at the head, so the head slot holds an entry whenever #span > 0. */
  #skipHoles(): void {
    while (this.#span > 0 && this.#ring[this.#head] === undefined) {
      this.#head = (this.#head + 1) & (this.#ring.length - 1);
      this.#span--;
      this.#firstTag++;
    }
  }

  #grow(): void {
    const grown = new Array<PublishEntry | undefined>(this.#ring.length * 2);
    for (let offset = 0; offset < this.#span; offset++) grown[offset] = this.#ring[(this.#head + offset) & (this.#ring.length - 1)];
    this.#ring = grown;
    this.#head = 0;
  }

  #settle(entry: PublishEntry, isNack: boolean): boolean {
    if (entry.isSettled) return false;
    if (isNack) {
      if (this.#onNacked?.(entry)) return false;
      const times = entry.nacks > 1 ? ` ${entry.nacks} times` : '';
      settleEntry(entry, amqpError('WARREN_ERR_AMQP_PUBLISH_NACKED', `RabbitMQ nacked the publish to "${entry.queue}"${times}`, {
        details: { queue: entry.queue, messageId: entry.message.properties.messageId, nacks: entry.nacks },
      }));
      return false;
    }
    if (entry.isReturned) {
      if (this.#onReturned?.(entry)) return false;
      settleEntry(entry, amqpError('WARREN_ERR_AMQP_PUBLISH_UNROUTABLE', unroutableMessage(entry), {
        details: { queue: entry.queue, messageId: entry.message.properties.messageId, ...(entry.returnCause ? { cause: entry.returnCause } : {}) },
      }));
      return false;
    }
    settleEntry(entry);
    return true;
  }
}

/** Why a returned publish is rejected: a queue whose node is down (classic queue on a cluster) is named as such. */
function unroutableMessage(entry: PublishEntry): string {
  if (entry.returnCause !== undefined && QUEUE_NODE_DOWN.test(entry.returnCause)) {
    return `the publish to "${entry.queue}" was returned: the queue is unavailable because the cluster node that holds it is down (a classic queue lives on one node; use queue_type: quorum)`;
  }
  return `the publish to "${entry.queue}" was returned as unroutable (does the queue exist?)`;
}
