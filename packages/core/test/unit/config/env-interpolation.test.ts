import { describe, expect, it } from 'vitest';
import { interpolateEnv } from '../../../src/index.js';

describe('interpolateEnv', () => {
  it.each([
    ['plain text', {}, 'plain text'],
    ['${HOST}', { HOST: 'rabbit' }, 'rabbit'],
    ['amqp://${HOST}:5672', { HOST: 'rabbit' }, 'amqp://rabbit:5672'],
    ['${HOST:-localhost}', {}, 'localhost'],
    ['${HOST:-localhost}', { HOST: '' }, 'localhost'],
    ['${HOST:-localhost}', { HOST: 'rabbit' }, 'rabbit'],
    ['${EMPTY}', { EMPTY: '' }, ''],
    ['${A}-${B:-b}', { A: 'a' }, 'a-b'],
    ['${PORT:-9400}', {}, '9400'],
    ['${URL:-amqp://guest:guest@127.0.0.1:5672}', {}, 'amqp://guest:guest@127.0.0.1:5672'],
    ['price $${NOT_A_VAR}', {}, 'price ${NOT_A_VAR}'],
    ['$HOME stays', { HOME: '/root' }, '$HOME stays'],
  ])('turns %j into the expected string', (input, env, expected) => {
    const result = interpolateEnv({ value: input }, env);
    expect(result.diagnostics).toEqual([]);
    expect(result.value).toEqual({ value: expected });
  });

  it('walks nested objects and arrays and leaves non-strings alone', () => {
    const result = interpolateEnv({ a: [1, '${X}', { b: true, c: '${X}' }], n: null }, { X: 'x' });
    expect(result.value).toEqual({ a: [1, 'x', { b: true, c: 'x' }], n: null });
  });

  it('reports a missing variable with no default, naming the key path', () => {
    const result = interpolateEnv({ amqp: { urls: ['${AMQP_URL}'] } }, {});
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', code: 'WARREN_ERR_CONFIG_ENV_MISSING', path: 'amqp.urls[0]' }),
    ]);
    expect(result.diagnostics[0]?.message).toContain('AMQP_URL');
  });

  it('reads process.env by default', () => {
    process.env.WARREN_TEST_INTERPOLATION = 'from-env';
    try {
      expect(interpolateEnv('${WARREN_TEST_INTERPOLATION}').value).toBe('from-env');
    } finally {
      delete process.env.WARREN_TEST_INTERPOLATION;
    }
  });
});
