import { readFileSync } from 'node:fs';
import type { ChannelModel, ConfirmChannel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { createLogger } from '@warren/core';
import { AmqplibInternals, PROVED_AMQPLIB_VERSION } from '../../../src/connection/amqplib-internals.js';

/** The slice of amqplib 2.x's Connection the guard and the fast path rely on, shaped as amqplib has it. */
class FakeAmqplibConnection {
  accept = (): void => undefined; // amqplib assigns it on open
  readonly channels: unknown[] = [{ channel: {}, buffer: { write: () => true } }];
  readonly freeChannels = { get: () => false, set: () => undefined, clear: () => undefined };
  frameMax = 131_072;
  sentSinceLastCheck = false;
  freshChannel(): number {
    return 1;
  }
  releaseChannel(): void {}
  sendMessage(): void {}
}

/** The slice of amqplib 2.x's ConfirmChannel the fast path relies on. */
class FakeAmqplibConfirmChannel {
  readonly ch = 1;
  constructor(readonly connection: FakeAmqplibConnection = new FakeAmqplibConnection()) {
    connection.channels[1] = { channel: this, buffer: { write: () => true } };
  }
  pushConfirmCallback(): void {}
  sendMessage(): void {}
}

function judge(options: { version?: string | undefined; channel?: FakeAmqplibConfirmChannel } = {}) {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => lines.push(JSON.parse(line)) } });
  const internals = new AmqplibInternals({ installedVersion: () => ('version' in options ? options.version : PROVED_AMQPLIB_VERSION) });
  const channel = options.channel ?? new FakeAmqplibConfirmChannel();
  const model = { connection: channel.connection } as unknown as ChannelModel;
  return {
    internals, lines, channel,
    canGuard: () => internals.canGuard(model),
    verdict: (other = channel) => internals.judgeConfirmChannel(other as unknown as ConfirmChannel, logger),
    warnings: () => lines.filter((line) => line['code'] === 'WARREN_WRN_102'),
  };
}

const SLOT_DIFFERENCE = 'expected channel.connection.channels[channel.ch] holds this channel and a buffer with write()';

function manifest(path: string): { dependencies?: Record<string, string>; devDependencies?: Record<string, string> } {
  return JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));
}

describe('AmqplibInternals', () => {
  it('pins amqplib to exactly the proved version, and finds that version installed', () => {
    expect(manifest('../../../package.json').dependencies?.['amqplib']).toBe(PROVED_AMQPLIB_VERSION);
    expect(manifest('../../../../../package.json').devDependencies?.['amqplib']).toBe(PROVED_AMQPLIB_VERSION);
    const internals = new AmqplibInternals(); // reads node_modules/amqplib/package.json
    const channel = new FakeAmqplibConfirmChannel();
    expect(internals.canGuard({ connection: channel.connection } as unknown as ChannelModel)).toBe(true);
    expect(internals.judgeConfirmChannel(channel as unknown as ConfirmChannel, createLogger({ level: 'silent' }))).toEqual({ fastPath: true, guard: true, differences: [] });
  });

  it('allows both when version and shapes are as proved, and logs nothing', () => {
    const { canGuard, verdict, lines } = judge();
    expect(canGuard()).toBe(true);
    expect(verdict()).toEqual({ fastPath: true, guard: true, differences: [] });
    expect(lines).toEqual([]);
  });

  it.each([
    ['another version', '2.4.0', 'amqplib 2.4.0 is installed, proved against 2.3.1'],
    ['an unreadable version', undefined, 'amqplib\'s version could not be read (proved against 2.3.1)'],
  ])('with %s allows neither, whatever the shapes, and warns once naming it', (_, version, difference) => {
    const { canGuard, verdict, warnings } = judge({ version });
    expect(canGuard()).toBe(false);
    expect(verdict()).toEqual({ fastPath: false, guard: false, differences: [difference] });
    expect(verdict(new FakeAmqplibConfirmChannel())).toEqual({ fastPath: false, guard: false, differences: [difference] });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ level: 40, event: 'amqp.amqplib.internals', differences: [difference], fastPath: false, guard: false });
    expect(warnings()[0]?.['msg']).toContain(difference);
    expect(warnings()[0]?.['msg']).toContain('publishing through ConfirmChannel.publish, no straggler-frame guard');
  });

  type Mutation = (channel: FakeAmqplibConfirmChannel) => void;
  const set = (target: object, key: string, value: unknown): void => void Object.assign(target, { [key]: value });
  it.each<[string, Mutation, { fastPath: boolean; guard: boolean }, string | string[]]>([
    ['connection.accept', (c) => set(c.connection, 'accept', undefined), { fastPath: true, guard: false }, 'expected connection.accept is a function'],
    ['connection.freeChannels', (c) => set(c.connection.freeChannels, 'clear', 1), { fastPath: true, guard: false }, 'expected connection.freeChannels has get, set and clear'],
    ['connection.freshChannel', (c) => set(c.connection, 'freshChannel', null), { fastPath: true, guard: false }, 'expected connection.freshChannel is a function'],
    ['connection.releaseChannel', (c) => set(c.connection, 'releaseChannel', 'x'), { fastPath: true, guard: false }, 'expected connection.releaseChannel is a function'],
    ['connection.channels', (c) => set(c.connection, 'channels', new Map()), { fastPath: false, guard: false }, ['expected connection.channels is an array', SLOT_DIFFERENCE]],
    ['connection.frameMax', (c) => set(c.connection, 'frameMax', '131072'), { fastPath: false, guard: true }, 'expected connection.frameMax is a number'],
    ['connection.sentSinceLastCheck', (c) => set(c.connection, 'sentSinceLastCheck', 0), { fastPath: false, guard: true }, 'expected connection.sentSinceLastCheck is a boolean'],
    ['an own connection.sendMessage', (c) => set(c.connection, 'sendMessage', () => undefined), { fastPath: false, guard: true }, 'expected connection.sendMessage is inherited (not own) while open'],
    ['channel.ch', (c) => set(c, 'ch', '1'), { fastPath: false, guard: true }, ['expected channel.ch is a number', SLOT_DIFFERENCE]],
    ['the channel slot', (c) => set(c.connection.channels, '1', null), { fastPath: false, guard: true }, SLOT_DIFFERENCE],
    ['the slot buffer', (c) => set(c.connection.channels, '1', { channel: c, buffer: {} }), { fastPath: false, guard: true }, SLOT_DIFFERENCE],
    ['channel.pushConfirmCallback', (c) => set(c, 'pushConfirmCallback', undefined), { fastPath: false, guard: true }, 'expected channel.pushConfirmCallback is a function'],
    ['an own channel.sendMessage', (c) => set(c, 'sendMessage', () => undefined), { fastPath: false, guard: true }, 'expected channel.sendMessage is inherited (not own) while open'],
  ])('with %s not as proved turns off what needs it and names it', (_, mutate, allowed, named) => {
    const channel = new FakeAmqplibConfirmChannel();
    mutate(channel);
    const differences = typeof named === 'string' ? [named] : named;
    const { canGuard, verdict, warnings } = judge({ channel });
    expect(canGuard()).toBe(allowed.guard);
    expect(verdict()).toEqual({ ...allowed, differences });
    expect(warnings().map((line) => line['differences'])).toEqual([differences]);
  });

  it('names a missing connection once, and turns both off', () => {
    const channel = new FakeAmqplibConfirmChannel();
    set(channel, 'connection', undefined);
    const { verdict } = judge({ channel });
    expect(verdict()).toEqual({ fastPath: false, guard: false, differences: ['expected connection to be an object', SLOT_DIFFERENCE] });
  });

  it('judges each class once: a later channel of the same class gets the first verdict, and no second warning', () => {
    const first = new FakeAmqplibConfirmChannel();
    set(first, 'pushConfirmCallback', undefined);
    const { verdict, warnings } = judge({ channel: first });
    expect(verdict().fastPath).toBe(false);
    expect(verdict(new FakeAmqplibConfirmChannel()).fastPath).toBe(false); // amqplib makes every channel from one class
    expect(warnings()).toHaveLength(1);
  });
});
