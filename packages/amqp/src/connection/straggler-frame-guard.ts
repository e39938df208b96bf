/*
 * Works around RabbitMQ writing frames on a channel after it closed that channel itself
 * (rabbitmq-server#13384: deliveries already handed to its writer go out after channel.close).
 * amqplib treats a frame on an unknown channel as a connection error and closes the whole
 * connection, so one consumer's 406 would take down every pipeline. Like the Java client, we drop
 * such stragglers: for a short grace after a channel is released, frames on its number are ignored
 * and the number is not handed to a new channel (a straggler there would hit an unknown consumer tag).
 * Relies on amqplib 2.x connection internals (accept, channels, freeChannels, freshChannel, releaseChannel).
 */
import type { ChannelModel } from 'amqplib';

/** How long after a channel closes its stragglers are dropped and its number stays reserved. */
export const STRAGGLER_GRACE_MS = 2_000;

interface Frame {
  readonly channel: number;
}

interface BitSet {
  get(index: number): boolean;
  set(index: number): void;
  clear(index: number): void;
}

interface AmqplibConnection {
  accept: (frame: Frame) => unknown;
  channels: unknown[];
  freeChannels: BitSet;
  freshChannel: (channel: unknown, options?: unknown) => number;
  releaseChannel: (channel: number) => void;
}

export interface StragglerGuardOptions {
  /** Called for every frame dropped, for a debug log. */
  readonly onDropped?: (channel: number) => void;
  readonly nowMs?: () => number;
}

/** Installs the guard on a freshly opened connection; returns false when amqplib's internals are not as expected. */
export function guardAgainstStragglerFrames(model: ChannelModel, options: StragglerGuardOptions = {}): boolean {
  const connection = (model as unknown as { connection?: AmqplibConnection }).connection;
  if (!isGuardable(connection)) return false;
  const nowMs = options.nowMs ?? Date.now;
  const releasedAtMs = new Map<number, number>();
  const isInGrace = (channel: number): boolean => {
    const at = releasedAtMs.get(channel);
    if (at === undefined) return false;
    if (nowMs() - at < STRAGGLER_GRACE_MS) return true;
    releasedAtMs.delete(channel);
    return false;
  };

  const { accept, freshChannel, releaseChannel } = connection;
  connection.accept = function guardedAccept(this: AmqplibConnection, frame: Frame) {
    if (frame.channel !== 0 && !this.channels[frame.channel] && isInGrace(frame.channel)) {
      options.onDropped?.(frame.channel);
      return undefined;
    }
    return accept.call(this, frame);
  };
  connection.releaseChannel = function guardedRelease(this: AmqplibConnection, channel: number) {
    releaseChannel.call(this, channel);
    releasedAtMs.set(channel, nowMs());
  };
  connection.freshChannel = function guardedFresh(this: AmqplibConnection, channel: unknown, freshOptions?: unknown) {
    // Hold the numbers still in grace so that the allocator (lowest free number) skips them.
    const held = [...releasedAtMs.keys()].filter((number) => isInGrace(number) && !this.freeChannels.get(number));
    for (const number of held) this.freeChannels.set(number);
    try {
      return freshChannel.call(this, channel, freshOptions);
    } finally {
      for (const number of held) this.freeChannels.clear(number);
    }
  };
  return true;
}

function isGuardable(connection: AmqplibConnection | undefined): connection is AmqplibConnection {
  return (
    typeof connection?.accept === 'function' &&
    Array.isArray(connection.channels) &&
    typeof connection.freeChannels?.get === 'function' &&
    typeof connection.freshChannel === 'function' &&
    typeof connection.releaseChannel === 'function'
  );
}
