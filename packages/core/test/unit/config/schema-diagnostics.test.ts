import { describe, expect, it } from 'vitest';
import { describeValue } from '../../../src/config/schema-diagnostics.js';

describe('describeValue', () => {
  it.each([
    [5, 'the number 5'],
    [true, 'the boolean true'],
    [null, 'empty (null)'],
    [[1], 'a list'],
    [{ a: 1 }, 'a mapping'],
    [undefined, 'missing'],
    ['short', 'the text "short"'],
  ])('%j → %s', (value, expected) => {
    expect(describeValue(value)).toBe(expected);
  });

  it('cuts long texts to 37 characters', () => {
    expect(describeValue('x'.repeat(100))).toBe(`the text "${'x'.repeat(37)}..."`);
  });

  it('redacts a URL password before cutting, so no part of it shows', () => {
    // Cut first, this showed `http://app:hunter2-with-a-long-tai...`: no '@' left, so nothing looked like a URL password.
    const described = describeValue('http://app:hunter2-with-a-long-tail-of-secret@broker:5672/vhost');
    expect(described).toBe('the text "http://app:***@broker:5672/vhost"');
    expect(describeValue(`amqps://user:${'s'.repeat(60)}@host`)).not.toContain('sss');
  });
});
