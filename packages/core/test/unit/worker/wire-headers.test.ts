import { describe, expect, it } from 'vitest';
import { parseAttemptHeader, parseDateHeaderMs, toHeaderValues } from '../../../src/worker/wire-headers.js';

describe('parseAttemptHeader', () => {
  it.each([
    [1, 1],
    [3, 3],
    ['2', 2],
    [' 4 ', 4],
    [Buffer.from('5'), 5],
    [0, undefined],
    [-1, undefined],
    [2.5, undefined],
    ['two', undefined],
    ['', undefined],
    [undefined, undefined],
    [null, undefined],
  ] as const)('%j → %j', (value, expected) => {
    expect(parseAttemptHeader(value)).toBe(expected);
  });
});

describe('parseDateHeaderMs', () => {
  const iso = '2026-01-02T03:04:05.000Z';
  const ms = Date.parse(iso);
  it.each([
    ['an ISO string', iso, ms],
    ['an ISO Buffer', Buffer.from(iso), ms],
    ['a Date', new Date(ms), ms],
    ['epoch ms', ms, ms],
    ['an invalid Date', new Date(Number.NaN), undefined],
    ['garbage text', 'yesterday-ish', undefined],
    ['blank text', '  ', undefined],
    ['Infinity', Number.POSITIVE_INFINITY, undefined],
    ['missing', undefined, undefined],
  ] as const)('%s → %j', (_title, value, expected) => {
    expect(parseDateHeaderMs(value)).toBe(expected);
  });
});

describe('toHeaderValues', () => {
  it('keeps plain values, turns Buffers, Dates, bigints and tables into plain values, and drops undefined', () => {
    const when = new Date('2026-01-02T03:04:05.000Z');
    expect(toHeaderValues({
      text: 'a', count: 2, isOn: true, empty: null, gone: undefined,
      raw: Buffer.from('bytes'), when, big: 7n, table: { a: [1, 2] },
    })).toEqual({
      text: 'a', count: 2, isOn: true, empty: null,
      raw: 'bytes', when: '2026-01-02T03:04:05.000Z', big: 7, table: '{"a":[1,2]}',
    });
  });

  it('returns an empty record for missing headers', () => {
    expect(toHeaderValues(undefined)).toEqual({});
  });
});
