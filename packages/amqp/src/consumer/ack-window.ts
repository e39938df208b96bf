/*
 * AckWindow: the ack decisions for one consumer channel, as pure bookkeeping (no I/O, no timers). A delivery is
 * outstanding until the runtime acks or requeues it. takePlan() turns the acks gathered since the last plan into
 * ONE multiple=true ack (every tag below the lowest outstanding one is settled) plus single acks above that gap.
 */

/** What one flush sends: `upToTag` (0 = none) as basic.ack multiple=true, then each of `singleTags` alone. */
export interface AckPlan {
  readonly upToTag: number;
  readonly singleTags: readonly number[];
}

import { OutstandingTags } from './outstanding-tags.js';

const NO_SINGLES: readonly number[] = Object.freeze([]);

export class AckWindow {
  /** Delivered, not yet acked or requeued; bounded by the prefetch window. Knows the lowest while tags arrive in order. */
  readonly #outstanding = new OutstandingTags();
  /** Acked by the runtime since the last plan, not yet on the wire. */
  #pending: number[] = [];

  get pendingCount(): number {
    return this.#pending.length;
  }

  get outstandingCount(): number {
    return this.#outstanding.size;
  }

  /** A tag out of order (never seen from RabbitMQ) leaves the lowest outstanding unknown: only single acks from then on. */
  delivered(tag: number): void {
    this.#outstanding.add(tag);
  }

  /** The runtime acked `tag`. False (and nothing recorded) when it is not outstanding: never delivered, or settled. */
  ack(tag: number): boolean {
    if (!this.#outstanding.delete(tag)) return false;
    this.#pending.push(tag);
    return true;
  }

  /**
   * The runtime requeued `tag`; the caller sends the nack NOW, before any later plan's multiple ack can pass
   * this tag. False when it is not outstanding (the caller then sends nothing).
   */
  requeue(tag: number): boolean {
    return this.#outstanding.delete(tag);
  }

  /**
   * The frames for the acks gathered since the last plan; clears them. A multiple ack covers only tags below
   * the lowest outstanding one, all settled: acked (now or before) or requeued (nack already sent). Its tag is
   * one that is acked now, so the broker still knows it.
   */
  takePlan(): AckPlan {
    const pending = this.#pending;
    if (pending.length === 0) return { upToTag: 0, singleTags: NO_SINGLES };
    this.#pending = [];
    const lowestOutstanding = this.#outstanding.lowest() ?? 0;
    let upToTag = 0;
    let singleTags: number[] | undefined;
    for (const tag of pending) {
      if (tag < lowestOutstanding) {
        if (tag > upToTag) upToTag = tag;
      } else {
        (singleTags ??= []).push(tag);
      }
    }
    return { upToTag, singleTags: singleTags ?? NO_SINGLES };
  }

  /** Forgets everything (the channel is gone: the broker redelivers whatever was not acked). */
  clear(): void {
    this.#outstanding.clear();
    this.#pending = [];
  }
}
