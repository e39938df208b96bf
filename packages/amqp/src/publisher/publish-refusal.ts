/*
 * Which publishes a broker's channel error refused. RabbitMQ refuses a publish by closing the publish channel: 406
 * `message size N is larger than configured max size M` (max_message_size) or 403 `access to exchange ... refused`
 * (no write permission). Everything unconfirmed on that channel is then lost, the culprit and the innocent alike.
 * Pure: given the error and the unconfirmed entries, it names the refused ones and their coded error; the rest are
 * sent again. An entry that was unconfirmed on MAX_CHANNEL_ERRORS channels that died of errors is refused whatever
 * the error said, so that no publish can make the channel reopen forever.
 */
import { amqpError } from '../errors.js';
import { REPLY_ACCESS_REFUSED, REPLY_PRECONDITION_FAILED, replyCodeOf } from '../amqp-reply-codes.js';
import type { WireMessage } from '@warren/core';
import type { PublishEntry } from './publish-entry.js';

/** Channel errors an entry may be caught in before it is refused as their likely cause. */
export const MAX_CHANNEL_ERRORS = 3;

// RabbitMQ's reply texts are the only place these numbers and names appear.
const TOO_LARGE = /message size (\d+) is larger than configured max size (\d+)/;
const ACCESS_REFUSED = /access to (exchange|queue) '([^']*)' in vhost '([^']*)' refused/;

export interface RefusalVerdict {
  readonly refused: ReadonlyArray<{ readonly entry: PublishEntry; readonly error: Error }>;
  readonly resend: readonly PublishEntry[];
}

/**
 * WARREN_ERR_AMQP_PUBLISH_TOO_LARGE when `message` is larger than amqp.max_payload, else undefined. For dispatches and
 * retry copies only: a dead-letter copy keeps the body it got, whatever its size, so that it can always end in Q.dlq.
 */
export function payloadTooLarge(queue: string, message: WireMessage, maxPayloadBytes: number): Error | undefined {
  const sizeBytes = message.body.length;
  if (sizeBytes <= maxPayloadBytes) return undefined;
  return amqpError('WARREN_ERR_AMQP_PUBLISH_TOO_LARGE', `the ${sizeBytes}-byte message to "${queue}" is larger than amqp.max_payload (${maxPayloadBytes} bytes)`, {
    details: { queue, messageId: message.properties.messageId, type: message.properties.type, sizeBytes, maxBytes: maxPayloadBytes },
  });
}

/** Splits the entries left unconfirmed by a channel that died of `error` into refused ones and ones to send again. */
export function judgeChannelError(error: unknown, unconfirmed: readonly PublishEntry[]): RefusalVerdict {
  const refused: Array<{ entry: PublishEntry; error: Error }> = [];
  const resend: PublishEntry[] = [];
  const code = replyCodeOf(error);
  const text = error instanceof Error ? error.message : String(error);
  const tooLarge = code === REPLY_PRECONDITION_FAILED ? TOO_LARGE.exec(text) : null;
  const accessRefused = code === REPLY_ACCESS_REFUSED ? ACCESS_REFUSED.exec(text) : null;
  for (const entry of unconfirmed) {
    entry.channelErrors += 1;
    const { messageId, type } = entry.message.properties;
    const details = { queue: entry.queue, messageId, type, replyCode: code, replyText: text };
    if (tooLarge && entry.message.body.length > Number(tooLarge[2])) {
      refused.push({ entry, error: amqpError('WARREN_ERR_AMQP_PUBLISH_TOO_LARGE',
        `RabbitMQ refused the ${entry.message.body.length}-byte message to "${entry.queue}": its max_message_size is ${tooLarge[2]} bytes`, {
          cause: error, details: { ...details, sizeBytes: entry.message.body.length, maxBytes: Number(tooLarge[2]) },
        }) });
    } else if (accessRefused) {
      refused.push({ entry, error: amqpError('WARREN_ERR_AMQP_PUBLISH_REJECTED',
        `RabbitMQ refused the publish to "${entry.queue}": access to ${accessRefused[1]} '${accessRefused[2]}' in vhost '${accessRefused[3]}' refused (403)`, {
          cause: error, details, hint: 'Grant the user write permission on the vhost (rabbitmqctl set_permissions <user> <conf> <write> <read>).',
        }) });
    } else if (entry.channelErrors >= MAX_CHANNEL_ERRORS) {
      refused.push({ entry, error: amqpError('WARREN_ERR_AMQP_PUBLISH_REJECTED',
        `RabbitMQ closed the publish channel ${entry.channelErrors} times while the message to "${entry.queue}" was unconfirmed; refusing it (last: ${text})`, {
          cause: error, details,
        }) });
    } else {
      resend.push(entry);
    }
  }
  return { refused, resend };
}
