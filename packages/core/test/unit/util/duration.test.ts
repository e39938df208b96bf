import { describe, expect, it } from 'vitest';
import { formatDurationMs, parseDurationMs, tryParseDurationMs } from '../../../src/index.js';

describe('durations', () => {
  it.each([
    ['100ms', 100], ['1s', 1_000], ['1.5s', 1_500], ['5m', 300_000], ['1h', 3_600_000], [250, 250], ['0', 0], [' 30s ', 30_000],
  ] as const)('parses %j as %i ms', (input, expected) => {
    expect(parseDurationMs(input as string)).toBe(expected);
  });

  it.each(['', '5 minutes', '-1s', '1d', 'abc', -5, Number.NaN, null, {}])('rejects %j', (input) => {
    expect(tryParseDurationMs(input)).toBeUndefined();
  });

  it('fails with a coded WARREN_ERR_CONFIG_INVALID that explains the accepted forms', () => {
    expect(() => parseDurationMs('5 minutes')).toThrow(/500ms, 30s, 5m, 1h/);
    expect(() => parseDurationMs('5 minutes')).toThrow(expect.objectContaining({ code: 'WARREN_ERR_CONFIG_INVALID' }));
  });

  it.each([[500, '500ms'], [1_500, '1.5s'], [90_000, '1.5m'], [7_200_000, '2h']] as const)('formats %i as %s', (ms, text) => {
    expect(formatDurationMs(ms)).toBe(text);
  });
});
