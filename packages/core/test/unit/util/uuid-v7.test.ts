import { describe, expect, it } from 'vitest';
import { canCarryInUuidV7, MAX_UUID_V7_MS, uuidV7, uuidV7Ms } from '../../../src/util/uuid-v7.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('uuidV7', () => {
  it.each([0, 1, 999, 65_535, 65_536, Date.parse('2026-12-02T15:30:00.123Z'), 2 ** 32 + 5, MAX_UUID_V7_MS])('carries %d ms and reads it back', (ms) => {
    const id = uuidV7(ms);
    expect(id).toMatch(V7);
    expect(uuidV7Ms(id)).toBe(ms);
  });

  it('reads an upper-case v7 id too (RFC 9562 ids are case-insensitive)', () => {
    expect(uuidV7Ms(uuidV7(1_234_567).toUpperCase())).toBe(1_234_567);
  });

  it('is unique across more ids than one random fill holds, for the same millisecond', () => {
    const ids = new Set(Array.from({ length: 3_000 }, () => uuidV7(1_000)));
    expect(ids.size).toBe(3_000);
  });

  it.each([
    ['a v4 UUID', '0b7f5a52-1d4c-4a8e-9a41-6c1f5b0f7e11'],
    ['the wrong variant', '019ad9c4-0b62-7a1c-1d3e-5f0a1b2c3d4e'],
    ['not hex', '019ad9zz-0b62-7a1c-9d3e-5f0a1b2c3d4e'],
    ['too short', '019ad9c4-0b62-7a1c-9d3e-5f0a1b2c3d4'],
    ['a dash out of place', '019ad9c40-b62-7a1c-9d3e-5f0a1b2c3d4e'],
    ['a job id chosen by hand', 'job-1'],
  ])('reads no time from %s', (_title, id) => {
    expect(uuidV7Ms(id)).toBeUndefined();
  });

  it.each([[-1, false], [1.5, false], [Number.NaN, false], [MAX_UUID_V7_MS + 1, false], [0, true], [MAX_UUID_V7_MS, true]])('canCarryInUuidV7(%d) is %s', (ms, expected) => {
    expect(canCarryInUuidV7(ms)).toBe(expected);
  });
});
