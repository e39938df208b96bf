import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  MAX_HEADER_DEPTH, contentHeaderProblem, fieldTableProblem, withHeadersReplaced,
} from '../../../src/connection/content-header-screen.js';
import { contentHeader, nestedTable, shortString, stringEntry } from '../../fakes/header-frames.js';

// amqplib's decoder is not in its `exports`; load it by file, as connection.js does.
const require = createRequire(import.meta.url);
const defs = require(join(dirname(require.resolve('amqplib')), 'lib', 'defs.js')) as { decode(id: number, buffer: Buffer): Record<string, unknown> };
/** What amqplib makes of a content-header payload (its properties start after class, weight and body size). */
const decodeProperties = (payload: Buffer) => defs.decode(60, payload.subarray(12)) as { headers?: Record<string, unknown> } & Record<string, unknown>;

const table = (content: Buffer) => fieldTableProblem(content, 0, content.length);
/** Pads a flat table with an entry long enough to take it past the short-table shortcut. */
const padded = (content: Buffer) => Buffer.concat([stringEntry('pad', 'p'.repeat(5 * MAX_HEADER_DEPTH)), content]);

describe('fieldTableProblem', () => {
  it.each([
    ['an empty table', Buffer.alloc(0)],
    ['a flat table of strings', Buffer.concat([stringEntry('a', '1'), stringEntry('b', 'two')])],
    ['every fixed-size type amqplib reads', Buffer.concat([
      shortString('b'), Buffer.from([0x62, 1]), shortString('t'), Buffer.from([0x74, 1]), shortString('s'), Buffer.from([0x73, 0, 1]),
      shortString('I'), Buffer.from([0x49, 0, 0, 0, 1]), shortString('l'), Buffer.from([0x6c, 0, 0, 0, 0, 0, 0, 0, 1]),
      shortString('d'), Buffer.from([0x64, 0, 0, 0, 0, 0, 0, 0, 0]), shortString('D'), Buffer.from([0x44, 2, 0, 0, 0, 7]),
      shortString('V'), Buffer.from([0x56]), shortString('x'), Buffer.from([0x78, 0, 0, 0, 2, 0xff, 0xfe]),
    ])],
    ['tables nested 100 levels deep (the limit)', nestedTable(100)],
    ['arrays nested 100 levels deep', nestedTable(100, undefined, 'array')],
  ])('accepts %s', (_title, content) => {
    expect(table(content)).toBeUndefined();
  });

  it.each([
    ['tables nested 101 levels deep', nestedTable(101), 'the headers table nests deeper than 100 levels'],
    ['arrays nested 5000 levels deep', nestedTable(5_000, undefined, 'array'), 'the headers table nests deeper than 100 levels'],
    ['an unknown field type', Buffer.concat([shortString('k'), Buffer.from('Z')]), 'the headers table has a field of unknown type "Z"'],
    ['a key with no value', shortString('k'), 'the headers table is malformed at byte 2'],
    ['a string longer than the table', Buffer.concat([shortString('k'), Buffer.from([0x53, 0, 0, 0, 9]), Buffer.from('abc')]), 'malformed'],
    ['a length cut short', Buffer.concat([shortString('k'), Buffer.from([0x53, 0, 0])]), 'malformed'],
    ['a nested table longer than its parent', Buffer.concat([shortString('k'), Buffer.from([0x46, 0, 0, 0, 50]), stringEntry('a', 'b')]), 'malformed'],
    ['a fixed-size value cut short', Buffer.concat([shortString('k'), Buffer.from([0x6c, 0, 0])]), 'malformed'],
  ])('refuses %s', (_title, content, expected) => {
    expect(table(content)).toContain(expected);
  });

  it('walks 50 000 levels without recursion', () => {
    const deep = nestedTable(50_000);
    expect(fieldTableProblem(deep, 0, deep.length, Number.POSITIVE_INFINITY)).toBeUndefined();
  });
});

describe('contentHeaderProblem', () => {
  it.each([
    ['no headers at all', contentHeader({ contentType: 'application/json', messageId: 'm-1', type: 't' })],
    ['a small table, even malformed (RabbitMQ validates tables on publish; only depth needs bytes)', contentHeader({ headers: Buffer.from('\x01kZ', 'latin1') })],
    ['a large flat table', contentHeader({ contentType: 'application/json', headers: padded(stringEntry('a', 'b')) })],
    ['100 levels after content type and encoding', contentHeader({ contentType: 'application/json', contentEncoding: 'utf-8', headers: padded(nestedTable(100)) })],
    ['a payload too short to hold property flags (left to amqplib)', Buffer.alloc(10)],
  ])('passes %s', (_title, payload) => {
    expect(contentHeaderProblem(payload)).toBeUndefined();
  });

  it.each([
    ['5000 levels of tables', contentHeader({ contentType: 'application/json', headers: nestedTable(5_000), messageId: 'm-1' }), 'nests deeper than 100 levels'],
    ['101 levels of arrays', contentHeader({ headers: padded(nestedTable(101, undefined, 'array')) }), 'nests deeper than 100 levels'],
    ['a large table with an unknown type', contentHeader({ headers: padded(Buffer.concat([shortString('k'), Buffer.from('Z')])) }), 'unknown type'],
    ['a headers length past the frame', contentHeader({ headers: padded(stringEntry('a', 'b')) }).subarray(0, 300), 'runs past the frame'],
    ['a content type cut short', Buffer.concat([contentHeader({}).subarray(0, 12), Buffer.from([0xa0, 0x00, 9, 0x61])]), 'cut short'],
  ])('flags %s', (_title, payload, expected) => {
    expect(contentHeaderProblem(payload)).toContain(expected);
  });
});

describe('withHeadersReplaced', () => {
  const marker = { 'x-warren-headers-dropped': 'the headers table nests deeper than 100 levels' };

  it('swaps only the headers: amqplib decodes the result with every other property and the body size kept', () => {
    const original = contentHeader({
      bodySize: 7, contentType: 'application/json', contentEncoding: 'utf-8', headers: nestedTable(5_000), messageId: 'm-1', type: 'emails.welcome',
    });
    const replaced = withHeadersReplaced(original, marker);
    expect(replaced.readBigUInt64BE(4)).toBe(7n);
    expect(decodeProperties(replaced)).toEqual({
      contentType: 'application/json', contentEncoding: 'utf-8', headers: marker, messageId: 'm-1', type: 'emails.welcome',
      deliveryMode: undefined, priority: undefined, correlationId: undefined, replyTo: undefined, expiration: undefined,
      timestamp: undefined, userId: undefined, appId: undefined, clusterId: undefined,
    });
    expect(contentHeaderProblem(replaced)).toBeUndefined();
  });

  it('keeps only what precedes the headers when the headers run past the frame', () => {
    const cut = contentHeader({ bodySize: 3, contentType: 'application/json', headers: padded(stringEntry('a', 'b')), messageId: 'm-1' }).subarray(0, 300);
    const replaced = withHeadersReplaced(cut, marker);
    expect(replaced.readBigUInt64BE(4)).toBe(3n);
    expect(decodeProperties(replaced)).toMatchObject({ contentType: 'application/json', headers: marker, messageId: undefined });
  });
});
