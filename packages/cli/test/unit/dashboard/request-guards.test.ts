import { describe, expect, it } from 'vitest';
import { isAllowedHost, isSameOrigin } from '../../../src/dashboard/request-guards.js';

describe('isAllowedHost', () => {
  it.each([
    ['127.0.0.1:9401', '127.0.0.1', true],
    ['localhost:9401', '127.0.0.1', true],
    ['[::1]:9401', '::1', true],
    ['10.0.0.5:9401', '0.0.0.0', true],
    ['ops-box:9401', 'ops-box', true],
    ['evil.example:9401', '127.0.0.1', false], // DNS rebinding: a foreign name resolving to loopback
    ['evil.example', '0.0.0.0', false],
    [undefined, '127.0.0.1', false],
  ])('Host %s on a dashboard bound to %s: %s', (host, bound, expected) => {
    expect(isAllowedHost(host, bound)).toBe(expected);
  });
});

describe('isSameOrigin', () => {
  it.each([
    [undefined, '127.0.0.1:9401', true],
    ['http://127.0.0.1:9401', '127.0.0.1:9401', true],
    ['http://evil.example', '127.0.0.1:9401', false],
    ['http://127.0.0.1:9401', undefined, false],
  ])('Origin %s with Host %s: %s', (origin, host, expected) => {
    expect(isSameOrigin(origin, host)).toBe(expected);
  });
});
