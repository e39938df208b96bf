/*
 * The guard on amqplib's real Connection and decoder (lib/connection.js, loaded by file), fed raw frames through a
 * stream: unguarded, a content header nested 50 000 levels deep throws out of recvFrame (amqplib then closes the whole
 * connection); guarded, it decodes with its headers replaced by the marker and the frames around it are untouched.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { ChannelModel } from 'amqplib';
import { describe, expect, it } from 'vitest';
import { guardAgainstDeepHeaders } from '../../../src/connection/deep-header-guard.js';
import { contentHeader, frame, nestedTable, stringEntry } from '../../fakes/header-frames.js';

const require = createRequire(import.meta.url);
const lib = join(dirname(require.resolve('amqplib')), 'lib');
const { Connection } = require(join(lib, 'connection.js')) as { Connection: new (stream: PassThrough) => AmqplibConnection };
const { decodeFields } = require(join(lib, 'codec.js')) as { decodeFields(slice: Buffer): Record<string, unknown> };

interface AmqplibConnection {
  recvFrame(): false | { channel: number; size?: number; fields?: Record<string, unknown>; content?: Buffer };
}

const DROPPED = 'x-warren-headers-dropped';

function connection(isGuarded: boolean) {
  const stream = new PassThrough();
  const amqplib = new Connection(stream);
  const replaced: Array<{ channel: number; problem: string }> = [];
  if (isGuarded) expect(guardAgainstDeepHeaders({ connection: amqplib } as unknown as ChannelModel, { onReplaced: (e) => replaced.push(e) })).toBe(true);
  return { amqplib, stream, replaced };
}

/** A deep content header on channel 3 with its one body frame, then a normal message's header and body on channel 4. */
function hostileThenNormal(depth: number): Buffer {
  const body = Buffer.from('{"n":1}');
  return Buffer.concat([
    frame(2, 3, contentHeader({ bodySize: body.length, contentType: 'application/json', headers: nestedTable(depth), messageId: 'deep-1', type: 'emails.welcome' })),
    frame(3, 3, body),
    frame(2, 4, contentHeader({ bodySize: 2, headers: Buffer.concat([stringEntry('x-warren-attempt', '2'), stringEntry('tenant', 'acme')]), messageId: 'ok-1' })),
    frame(3, 4, Buffer.from('{}')),
  ]);
}

describe('guardAgainstDeepHeaders', () => {
  it('builds nested tables the way amqplib reads them', () => {
    expect(decodeFields(nestedTable(3))).toEqual({ k: { k: { leaf: Buffer.from('x').toString() } } });
    expect(decodeFields(nestedTable(3, undefined, 'array'))).toEqual({ k: [['x']] });
  });

  it('reproduces the failure without it: amqplib throws a RangeError taking the frame off the socket', () => {
    const { amqplib, stream } = connection(false);
    stream.write(hostileThenNormal(50_000));
    expect(() => amqplib.recvFrame()).toThrow(RangeError);
  });

  it('hands amqplib the hostile header with its headers replaced and every other property kept; later frames are untouched', () => {
    const { amqplib, stream, replaced } = connection(true);
    stream.write(hostileThenNormal(50_000));
    const header = amqplib.recvFrame();
    expect(header).toMatchObject({ channel: 3, size: 7, fields: { contentType: 'application/json', messageId: 'deep-1', type: 'emails.welcome' } });
    expect((header as { fields: Record<string, unknown> }).fields.headers).toEqual({ [DROPPED]: 'the headers table nests deeper than 100 levels' });
    expect(amqplib.recvFrame()).toMatchObject({ channel: 3, content: Buffer.from('{"n":1}') });
    expect(amqplib.recvFrame()).toMatchObject({ channel: 4, fields: { messageId: 'ok-1', headers: { 'x-warren-attempt': '2', tenant: 'acme' } } });
    expect(amqplib.recvFrame()).toMatchObject({ channel: 4, content: Buffer.from('{}') });
    expect(amqplib.recvFrame()).toBe(false);
    expect(replaced).toEqual([{ channel: 3, problem: 'the headers table nests deeper than 100 levels' }]);
  });

  it('screens a hostile header that arrives in pieces, once it is whole', () => {
    const { amqplib, stream } = connection(true);
    const bytes = hostileThenNormal(5_000);
    stream.write(bytes.subarray(0, 1_000));
    expect(amqplib.recvFrame()).toBe(false);
    stream.write(bytes.subarray(1_000, 20_000));
    stream.write(bytes.subarray(20_000));
    expect(amqplib.recvFrame()).toMatchObject({ channel: 3, fields: { messageId: 'deep-1', headers: { [DROPPED]: expect.any(String) } } });
  });

  it('leaves headers at the depth limit to amqplib as they are', () => {
    const { amqplib, stream, replaced } = connection(true);
    stream.write(frame(2, 1, contentHeader({ headers: nestedTable(100), messageId: 'limit-1' })));
    const header = amqplib.recvFrame() as unknown as { fields: { headers: Record<string, unknown> } };
    expect(Object.keys(header.fields.headers)).toEqual(['k']);
    expect(replaced).toEqual([]);
  });

  it('declines to install on a connection without the internals it relies on', () => {
    expect(guardAgainstDeepHeaders({ connection: {} } as unknown as ChannelModel)).toBe(false);
    expect(guardAgainstDeepHeaders({} as unknown as ChannelModel)).toBe(false);
  });
});
