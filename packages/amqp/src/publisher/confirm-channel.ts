/*
 * openConfirmChannel: opens one confirm channel on a connection, gives it its own ConfirmTracker, and wires
 * amqplib's channel events (ack, nack, return, drain, close, error) to the publisher's handlers, and asks
 * amqplib-internals.ts whether its writer may take the fast path. Keeps no state of its own: the publisher
 * decides what a closed channel or a drain means.
 */
import type { ChannelModel, ConfirmChannel, Message } from 'amqplib';
import type { Logger } from '@warren/core';
import { ConfirmTracker } from './confirm-tracker.js';
import type { PublishEntry } from './publish-entry.js';
import { PUBLISH_CHANNEL_HIGH_WATER_MARK, PublishWriter } from './publish-writer.js';
import { amqplibInternals } from '../connection/amqplib-internals.js';

type ConfirmFields = { deliveryTag: number; multiple: boolean };

export interface ConfirmChannelHandlers {
  readonly logger: Logger;
  /** A publish came back unroutable: true = it will be re-sent, false = reject it. */
  readonly onReturned: (entry: PublishEntry) => boolean;
  /** The broker nacked a publish: true = it will be re-sent, false = reject it. */
  readonly onNacked: (entry: PublishEntry) => boolean;
  readonly onConfirm: (tracker: ConfirmTracker, tag: number, multiple: boolean, isNack: boolean) => void;
  readonly onDrain: (channel: ConfirmChannel) => void;
  /** A batched write found the channel's buffer full ('drain' follows). */
  readonly onWriteBlocked: (channel: ConfirmChannel) => void;
  /** The channel closed; `error` is the broker's channel error when it closed it (406, 403...), else undefined. */
  readonly onClose: (channel: ConfirmChannel, tracker: ConfirmTracker, error: unknown) => void;
}

export interface OpenedConfirmChannel {
  readonly channel: ConfirmChannel;
  readonly tracker: ConfirmTracker;
  readonly writer: PublishWriter;
}

/**
 * Opens a confirm channel on `model` with its tracker, writer and listeners; rejects with amqplib's error.
 * `isFastPath` false (amqp.publish_fast_path), or amqplib not as proved (WARREN_WRN_102, logged once per process),
 * makes the writer send every publish through amqplib's ConfirmChannel.publish.
 */
export async function openConfirmChannel(model: ChannelModel, handlers: ConfirmChannelHandlers, isFastPath: boolean): Promise<OpenedConfirmChannel> {
  // The fast path writes chunks of up to 16 KB, so it bounds the buffer by fewer chunks; amqplib writes one per publish.
  // The verdict needs a live channel, so when amqplib is not as proved the channel keeps this bound: 128 publishes.
  const channel = await model.createConfirmChannel(isFastPath ? { highWaterMark: PUBLISH_CHANNEL_HIGH_WATER_MARK } : undefined);
  const isWritingFrames = amqplibInternals.judgeConfirmChannel(channel, handlers.logger).fastPath && isFastPath;
  const tracker = new ConfirmTracker(handlers.onReturned, handlers.onNacked);
  let channelError: unknown; // amqplib emits a broker's channel.close as 'error', then 'close'
  channel.on('error', (error: unknown) => {
    channelError = error;
    handlers.logger.warn({ err: error, event: 'amqp.publisher.channel_error' }, 'publish channel error');
  });
  channel.on('close', () => handlers.onClose(channel, tracker, channelError));
  channel.on('ack', (fields: ConfirmFields) => handlers.onConfirm(tracker, fields.deliveryTag, fields.multiple, false));
  channel.on('nack', (fields: ConfirmFields) => handlers.onConfirm(tracker, fields.deliveryTag, fields.multiple, true));
  channel.on('return', (message: Message) => tracker.markReturned(message.properties.messageId as string | undefined));
  channel.on('drain', () => handlers.onDrain(channel));
  return { channel, tracker, writer: new PublishWriter(channel, () => handlers.onWriteBlocked(channel), isWritingFrames) };
}
