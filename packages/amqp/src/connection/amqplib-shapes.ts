/*
 * The private fields and methods of amqplib 2.x that Warren relies on, as types (for the code that uses them) and
 * as checks (for amqplib-internals.ts, which runs them on a live connection and confirm channel). The one list of
 * what the publish fast path and the straggler-frame guard need; no I/O, no decisions.
 */

/** A channel's write buffer (a PassThrough in object mode, piped into the connection's muxer). */
export interface AmqplibWriteBuffer {
  write(chunk: Buffer): boolean;
}

/** A frame as amqplib's connection hands it to `accept`. */
export interface AmqplibFrame {
  readonly channel: number;
}

/** amqplib's Connection (`ChannelModel.connection`), the parts both uses touch. */
export interface AmqplibConnectionInternals {
  /** The current frame handler; amqplib swaps it while closing. */
  accept: (frame: AmqplibFrame) => unknown;
  /** Slot per channel number (null when free); slot 0 is the connection's own channel. */
  channels: ({ channel: unknown; buffer: AmqplibWriteBuffer } | null | undefined)[];
  freeChannels: { get(index: number): boolean; set(index: number): void; clear(index: number): void };
  freshChannel: (channel: unknown, options?: unknown) => number;
  releaseChannel: (channel: number) => void;
  frameMax: number;
  /** Heartbeat bookkeeping: true once anything was written since the last heartbeat check. */
  sentSinceLastCheck: boolean;
}

/** amqplib's ConfirmChannel, the parts the fast path touches. */
export interface AmqplibChannelInternals {
  ch: number;
  connection: AmqplibConnectionInternals;
  /** Counts one delivery tag in amqplib's own confirm bookkeeping, as ConfirmChannel.publish does. */
  pushConfirmCallback(callback?: unknown): void;
}

/** One thing Warren relies on: a phrase naming it and a test on the object it hangs off. */
export interface Shape {
  readonly what: string;
  readonly test: (root: Record<string, unknown>) => boolean;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * amqplib marks a closing or closed channel or connection by assigning an own `sendMessage` (invalidateSend),
 * which the fast path reads; on an open one it must be the inherited method.
 */
const hasInheritedSendMessage = (root: Record<string, unknown>): boolean => isFunction(root['sendMessage']) && !Object.hasOwn(root, 'sendMessage');

/** What the straggler-frame guard wraps or reads on the connection. */
export const GUARD_CONNECTION_SHAPES: readonly Shape[] = [
  { what: 'connection.accept is a function', test: (c) => isFunction(c['accept']) },
  { what: 'connection.channels is an array', test: (c) => Array.isArray(c['channels']) },
  {
    what: 'connection.freeChannels has get, set and clear',
    test: (c) => isObject(c['freeChannels']) && ['get', 'set', 'clear'].every((name) => isFunction((c['freeChannels'] as Record<string, unknown>)[name])),
  },
  { what: 'connection.freshChannel is a function', test: (c) => isFunction(c['freshChannel']) },
  { what: 'connection.releaseChannel is a function', test: (c) => isFunction(c['releaseChannel']) },
];

/** What the fast path reads or writes on the connection. */
export const FAST_PATH_CONNECTION_SHAPES: readonly Shape[] = [
  { what: 'connection.channels is an array', test: (c) => Array.isArray(c['channels']) },
  { what: 'connection.frameMax is a number', test: (c) => typeof c['frameMax'] === 'number' },
  { what: 'connection.sentSinceLastCheck is a boolean', test: (c) => typeof c['sentSinceLastCheck'] === 'boolean' },
  { what: 'connection.sendMessage is inherited (not own) while open', test: hasInheritedSendMessage },
];

/** What the fast path reads or calls on its confirm channel. */
export const CHANNEL_SHAPES: readonly Shape[] = [
  { what: 'channel.ch is a number', test: (c) => typeof c['ch'] === 'number' },
  {
    what: 'channel.connection.channels[channel.ch] holds this channel and a buffer with write()',
    test: (c) => {
      const slots = isObject(c['connection']) ? c['connection']['channels'] : undefined;
      const slot: unknown = Array.isArray(slots) && typeof c['ch'] === 'number' ? slots[c['ch']] : undefined;
      return isObject(slot) && slot['channel'] === c && isObject(slot['buffer']) && isFunction(slot['buffer']['write']);
    },
  },
  { what: 'channel.pushConfirmCallback is a function', test: (c) => isFunction(c['pushConfirmCallback']) },
  { what: 'channel.sendMessage is inherited (not own) while open', test: hasInheritedSendMessage },
];

/** A phrase for every shape `root` does not have ("expected ..."); one phrase when `root` is no object at all. */
export function differencesOf(shapes: readonly Shape[], root: unknown, name: string): string[] {
  if (!isObject(root)) return [`expected ${name} to be an object`];
  return shapes.filter((shape) => !shape.test(root)).map((shape) => `expected ${shape.what}`);
}
