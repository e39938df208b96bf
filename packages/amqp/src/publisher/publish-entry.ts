/*
 * PublishEntry: one accepted publish on its way to a confirm — in the outbox, or sent and awaiting
 * ack/nack. Plain data plus its promise's settle functions; settled exactly once via settleEntry().
 */
import type { Options } from 'amqplib';

export interface PublishEntry {
  /** Target queue (the pipeline queue; the delay queue name is resolved at send time). */
  readonly queue: string;
  readonly body: Buffer;
  readonly options: Options.Publish;
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
  isSettled: boolean;
}

/** Resolves (no error) or rejects the entry's promise, once. */
export function settleEntry(entry: PublishEntry, error?: Error): void {
  if (entry.isSettled) return;
  entry.isSettled = true;
  if (error) entry.reject(error);
  else entry.resolve();
}
