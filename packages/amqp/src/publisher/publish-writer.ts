/*
 * PublishWriter: puts the publishes of one amqplib confirm channel on the wire. On the fast path a publish
 * is encoded by publish-frames.ts into a shared slab, and all publishes of one turn of the event loop go to
 * the channel's write buffer as one chunk (amqplib encodes each publish's frames separately, walking the property
 * definitions, and writes one chunk per publish).
 * Anything else goes through amqplib's channel.publish, after what is pending, so the broker numbers
 * deliveries in the order the ConfirmTracker recorded them.
 * Relies on amqplib 2.x channel internals (ch, connection.channels[ch].buffer, connection.frameMax,
 * pushConfirmCallback, sends invalidated by an own `sendMessage` property while closing); it does not check them:
 * it is told (isFastPath) whether amqplib-internals.ts accepted them, and otherwise sends every publish through amqplib.
 */
import type { ConfirmChannel } from 'amqplib';
import type { WireMessage } from '@warren/core';
import type { AmqplibChannelInternals, AmqplibWriteBuffer } from '../connection/amqplib-shapes.js';
import { encodePublishFrames, NEEDS_ROOM, publishFramesRoom } from './publish-frames.js';
import { toPublishOptions } from './message-properties.js';

/** One slab holds many publishes of a turn; a slice of it stays referenced until the socket wrote it. */
const SLAB_BYTES = 64 * 1024;
/**
 * amqplib's channel write buffer counts chunks, not bytes: a chunk is written once it reaches this size, and the
 * confirm channel is opened with PUBLISH_CHANNEL_HIGH_WATER_MARK chunks, so what waits there before 'drain' stays
 * bounded (~4 MB; amqplib's default is 1024 one-publish chunks).
 */
const MAX_CHUNK_BYTES = 16 * 1024;
export const PUBLISH_CHANNEL_HIGH_WATER_MARK = 128;

export class PublishWriter {
  readonly #channel: ConfirmChannel;
  readonly #internals: AmqplibChannelInternals | undefined;
  readonly #onWriteBlocked: () => void;
  #slab: Buffer = Buffer.alloc(0);
  /** Pending bytes are #slab[#start, #end). */
  #start = 0;
  #end = 0;
  #isFlushScheduled = false;
  readonly #flushLater = (): void => {
    this.#isFlushScheduled = false;
    if (!this.#writePending()) this.#onWriteBlocked();
  };

  /**
   * `onWriteBlocked` runs when a deferred write finds the channel's buffer full (amqplib emits 'drain' later).
   * `isFastPath` true only when amqp.publish_fast_path is on and amqplib-internals.ts accepted amqplib's internals;
   * false sends every publish through amqplib's ConfirmChannel.publish.
   */
  constructor(channel: ConfirmChannel, onWriteBlocked: () => void, isFastPath: boolean) {
    this.#channel = channel;
    this.#internals = isFastPath ? (channel as unknown as AmqplibChannelInternals) : undefined;
    this.#onWriteBlocked = onWriteBlocked;
  }

  /** True when publishes take the fast path on this channel. */
  get isFastPath(): boolean {
    return this.#internals !== undefined;
  }

  /** False once amqplib treats the channel as closing or closed (unknown without its internals: true). */
  get isSendable(): boolean {
    return this.#internals === undefined || this.#isSendable(this.#internals);
  }

  /**
   * Sends a persistent, mandatory publish of `message` to the default exchange with `routingKey` (this turn, or
   * at once). Returns false when the channel's write buffer is full. Throws amqplib's error when the channel is
   * closing or closed.
   */
  publish(routingKey: string, message: WireMessage): boolean {
    const internals = this.#internals;
    if (internals === undefined || !this.#isSendable(internals)) return this.#publishThroughAmqplib(routingKey, message);
    const { frameMax } = internals.connection;
    let isWritable = true;
    let end = encodePublishFrames(this.#slab, this.#end, internals.ch, routingKey, message, frameMax);
    if (end === NEEDS_ROOM) {
      isWritable = this.#writePending();
      // A fresh slab; a publish too large for one (up to a frame of properties and one of body) gets a slab of its own.
      for (const bytes of [SLAB_BYTES, publishFramesRoom(message.body.length, frameMax)]) {
        this.#slab = Buffer.allocUnsafe(bytes);
        this.#start = this.#end = 0;
        end = encodePublishFrames(this.#slab, 0, internals.ch, routingKey, message, frameMax);
        if (end !== NEEDS_ROOM) break;
      }
    }
    if (end < 0) return this.#publishThroughAmqplib(routingKey, message) && isWritable;
    this.#end = end;
    internals.pushConfirmCallback(undefined); // amqplib counts delivery tags per publish, as ConfirmChannel.publish does
    if (this.#end - this.#start >= MAX_CHUNK_BYTES) return this.#writePending() && isWritable;
    if (!this.#isFlushScheduled) {
      this.#isFlushScheduled = true;
      queueMicrotask(this.#flushLater);
    }
    return isWritable;
  }

  /** After what is pending, so the broker numbers deliveries in the order they were tracked. */
  #publishThroughAmqplib(routingKey: string, message: WireMessage): boolean {
    const isWritable = this.#writePending();
    return this.#channel.publish('', routingKey, message.body, toPublishOptions(message.properties)) && isWritable;
  }

  /**
   * Writes what is pending to the channel's buffer; returns false when the buffer is full. Dropped when the channel
   * closed meanwhile: its close hands every tracked publish back for sending again.
   */
  #writePending(): boolean {
    const internals = this.#internals;
    if (internals === undefined || this.#start === this.#end) return true;
    const chunk = this.#slab.subarray(this.#start, this.#end);
    this.#start = this.#end;
    if (!this.#isSendable(internals)) return true;
    const slot = internals.connection.channels[internals.ch] as { buffer: AmqplibWriteBuffer };
    internals.connection.sentSinceLastCheck = true;
    return slot.buffer.write(chunk);
  }

  /** amqplib marks a closing or closed channel (or connection) by replacing its sendMessage, and frees its slot. */
  #isSendable(internals: AmqplibChannelInternals): boolean {
    const { connection } = internals;
    return connection.channels[internals.ch]?.channel === this.#channel
      && !Object.hasOwn(this.#channel, 'sendMessage') && !Object.hasOwn(connection, 'sendMessage');
  }
}
