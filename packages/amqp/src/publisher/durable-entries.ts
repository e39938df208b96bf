/*
 * How publishes meet the durable outbox: a dispatch made while the broker is unreachable is appended to the file and
 * resolved at once (keepDurably), and each kept record becomes an outbox entry whose confirm removes the record
 * (durableEntry). The publisher decides when the broker is unreachable and sends the entries; the file is
 * durable-outbox.ts.
 */
import { BrokerUnavailable, isWarrenError, type Logger, type WireMessage } from '@warren/core';
import type { DurableOutbox } from './durable-outbox.js';
import { createPublishEntry, type PublishEntry } from './publish-entry.js';

/** One dispatch on its way into the durable outbox, with its caller's promise. */
export interface DurableDispatch {
  readonly queue: string;
  readonly message: WireMessage;
  readonly delayMs: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * Appends the dispatch and resolves it once written; rejects it (BrokerUnavailable when full, the file's coded error
 * when failing) and returns undefined otherwise. The entry returned goes to the outbox to be sent later.
 */
export function keepDurably(durable: DurableOutbox, logger: Logger, dispatch: DurableDispatch): PublishEntry | undefined {
  const { queue, message, delayMs } = dispatch;
  if (!durable.canAccept(message)) {
    dispatch.reject(new BrokerUnavailable(`the broker is unreachable and the durable outbox is full (${durable.pendingCount} messages)`, {
      details: { queue, outboxDepth: durable.pendingCount },
    }));
    return undefined;
  }
  let seq: number;
  try {
    seq = durable.append(queue, delayMs, message);
  } catch (error) {
    dispatch.reject(error instanceof Error ? error : new Error(String(error)));
    return undefined;
  }
  dispatch.resolve();
  return durableEntry(durable, logger, seq, dispatch);
}

/** The outbox entry of kept record `seq`: its confirm removes the record; its dispatch resolved long ago. */
export function durableEntry(durable: DurableOutbox, logger: Logger, seq: number, kept: Pick<DurableDispatch, 'queue' | 'message' | 'delayMs'>): PublishEntry {
  const { queue, message, delayMs } = kept;
  return createPublishEntry(queue, message, delayMs, () => durable.confirm(seq), (error) => {
    // Closing before the confirm: the record stays and the next process sends it.
    if (isWarrenError(error, 'WARREN_ERR_AMQP_PUBLISH_CLOSED')) return;
    logger.warn({ code: 'WARREN_WRN_104', err: error, jobId: message.properties.messageId, queue }, 'the broker refused a dispatch kept in the durable outbox; it is dropped');
    durable.confirm(seq);
  });
}
