/*
 * PublishEntry: one accepted publish on its way to a confirm — in the outbox, or sent and awaiting
 * ack/nack. Plain data plus its promise's settle functions; settled exactly once via settleEntry()
 * (or rejectAsClosed() when the driver closes first).
 */
import type { WireMessage } from '@warren/core';
import { amqpError } from '../errors.js';

export interface PublishEntry {
  /** Target queue (the pipeline queue; the delay queue name is resolved at send time). */
  readonly queue: string;
  /** Body and properties as core encoded them; turned into frames only when sent (again, after a channel loss). */
  readonly message: WireMessage;
  /** > 0: route through Q.delay.<delayMs>. */
  readonly delayMs: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
  /** When an unconfirmed send times out (epoch ms); set at send time. */
  deadlineMs: number;
  /** The broker returned it as unroutable; its ack then means rejection. */
  isReturned: boolean;
  /** How many times the broker returned it; each time the queue is re-declared and the publish re-sent. */
  returnCount: number;
  /** Why re-declaring its queue after a return failed (e.g. a classic queue whose node is down), for the rejection. */
  returnCause?: string;
  /** How many publish channels died of a channel error while it was unconfirmed on them (publish-refusal.ts). */
  channelErrors: number;
  /** How many times the broker nacked it; each time it is re-sent on a fresh channel, up to MAX_NACK_RESENDS. */
  nacks: number;
  isSettled: boolean;
}

/** Resolves (no error) or rejects the entry's promise, once. */
export function settleEntry(entry: PublishEntry, error?: Error): void {
  if (entry.isSettled) return;
  entry.isSettled = true;
  if (error) entry.reject(error);
  else entry.resolve();
}

/** A fresh entry for `message` to `queue` (through its delay queue when `delayMs` > 0), settling through resolve/reject. */
export function createPublishEntry(
  queue: string, message: WireMessage, delayMs: number, resolve: () => void, reject: (error: Error) => void,
): PublishEntry {
  return {
    queue, message, delayMs: delayMs > 0 ? Math.round(delayMs) : 0,
    resolve, reject, deadlineMs: 0, isReturned: false, returnCount: 0, channelErrors: 0, nacks: 0, isSettled: false,
  };
}

/** Rejects every entry still unsettled with WARREN_ERR_AMQP_PUBLISH_CLOSED (the driver closed before its confirm). */
export function rejectAsClosed(entries: readonly PublishEntry[]): void {
  for (const entry of entries) {
    settleEntry(entry, amqpError('WARREN_ERR_AMQP_PUBLISH_CLOSED', `the driver closed before the publish to "${entry.queue}" was confirmed`, {
      details: { queue: entry.queue, messageId: entry.message.properties.messageId },
    }));
  }
}
