/*
 * Works around RabbitMQ writing frames on a channel after it closed that channel itself
 * (rabbitmq-server#13384: deliveries already handed to its writer go out after channel.close).
 * amqplib treats a frame on an unknown channel as a connection error and closes the whole
 * connection, so one consumer's 406 would take down every pipeline. Like the Java client, we drop
 * such stragglers: for a short grace after a channel is released, frames on its number are ignored
 * and the number is not handed to a new channel (a straggler there would hit an unknown consumer tag).
 * Relies on amqplib 2.x connection internals (accept, channels, freeChannels, freshChannel, releaseChannel): install
 * it only where amqplib-internals.ts said so (canGuard); this file does not check them.
 */
import type { ChannelModel } from 'amqplib';
import type { AmqplibConnectionInternals, AmqplibFrame } from './amqplib-shapes.js';

/** How long after a channel closes its stragglers are dropped and its number stays reserved. */
export const STRAGGLER_GRACE_MS = 2_000;

export interface StragglerGuardOptions {
  /** Called for every frame dropped, with how many were dropped on that channel number since it was released (1 = first). */
  readonly onDropped?: (channel: number, droppedSinceRelease: number) => void;
  readonly nowMs?: () => number;
}

/** Installs the guard on a freshly opened amqplib connection whose internals amqplib-internals.ts accepted. */
export function guardAgainstStragglerFrames(model: ChannelModel, options: StragglerGuardOptions = {}): void {
  const connection = (model as unknown as { connection: AmqplibConnectionInternals }).connection;
  const nowMs = options.nowMs ?? Date.now;
  const releasedAtMs = new Map<number, number>();
  const droppedSinceRelease = new Map<number, number>();
  const isInGrace = (channel: number): boolean => {
    const at = releasedAtMs.get(channel);
    if (at === undefined) return false;
    if (nowMs() - at < STRAGGLER_GRACE_MS) return true;
    releasedAtMs.delete(channel);
    return false;
  };

  const { accept, freshChannel, releaseChannel } = connection;
  connection.accept = function guardedAccept(this: AmqplibConnectionInternals, frame: AmqplibFrame) {
    if (frame.channel !== 0 && !this.channels[frame.channel] && isInGrace(frame.channel)) {
      const dropped = (droppedSinceRelease.get(frame.channel) ?? 0) + 1;
      droppedSinceRelease.set(frame.channel, dropped);
      options.onDropped?.(frame.channel, dropped);
      return undefined;
    }
    return accept.call(this, frame);
  };
  connection.releaseChannel = function guardedRelease(this: AmqplibConnectionInternals, channel: number) {
    releaseChannel.call(this, channel);
    releasedAtMs.set(channel, nowMs());
    droppedSinceRelease.delete(channel);
  };
  connection.freshChannel = function guardedFresh(this: AmqplibConnectionInternals, channel: unknown, freshOptions?: unknown) {
    // Hold the numbers still in grace so that the allocator (lowest free number) skips them.
    const held = [...releasedAtMs.keys()].filter((number) => isInGrace(number) && !this.freeChannels.get(number));
    for (const number of held) this.freeChannels.set(number);
    try {
      return freshChannel.call(this, channel, freshOptions);
    } finally {
      for (const number of held) this.freeChannels.clear(number);
    }
  };
}
