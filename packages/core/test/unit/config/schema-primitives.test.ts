import { describe, expect, it } from 'vitest';
import { durationMs, flag, integer } from '../../../src/index.js';

describe('durationMs schema', () => {
  it.each([
    ['100ms', 100], ['1s', 1_000], ['1.5s', 1_500], ['5m', 300_000], ['1h', 3_600_000], [250, 250], ['250', 250], [0, 0],
  ])('parses %j as %d ms', (input, expected) => {
    expect(durationMs().parse(input)).toBe(expected);
  });

  it.each(['5 minutes', '10x', '-1s', '', 'soon', -5])('rejects %j with a message naming the value', (input) => {
    const result = durationMs().safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(/is not a duration|expected/);
  });
});

describe('integer and flag schemas', () => {
  it.each([[5, 5], ['42', 42]])('integer parses %j', (input, expected) => expect(integer(1).parse(input)).toBe(expected));
  it.each([0, 1.5, 'ten'])('integer(1) rejects %j', (input) => expect(integer(1).safeParse(input).success).toBe(false));
  it.each([[true, true], ['false', false], ['true', true]])('flag parses %j', (input, expected) => expect(flag().parse(input)).toBe(expected));
  it('flag rejects other strings', () => expect(flag().safeParse('yes').success).toBe(false));
});
