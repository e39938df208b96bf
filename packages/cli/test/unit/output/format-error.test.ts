import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { WarrenError } from '@warren/core';
import { formatError } from '../../../src/output/format-error.js';

describe('formatError', () => {
  it.each([
    [
      'a WarrenError as message, code and hint',
      new WarrenError('WARREN_ERR_CONFIG_NOT_FOUND', 'cannot read warren.yaml'),
      ['warren: cannot read warren.yaml (WARREN_ERR_CONFIG_NOT_FOUND)', expect.stringMatching(/^ {2}hint: Pass the right path with `-c`/)],
    ],
    [
      'a commander usage error as WARREN_ERR_CLI_INVALID',
      new CommanderError(1, 'commander.unknownOption', "error: unknown option '--nope'"),
      ["warren: unknown option '--nope' (WARREN_ERR_CLI_INVALID)", '  hint: Run the command with --help.'],
    ],
    [
      'an unexpected error without a code',
      new TypeError('x is undefined'),
      ['warren: x is undefined', expect.stringContaining('--verbose')],
    ],
  ])('prints %s', (_, error, expected) => {
    expect(formatError(error, { verbose: false })).toEqual(expected);
  });

  it('keeps the code on the first line of a multi-line message', () => {
    const error = new WarrenError('WARREN_ERR_CONFIG_INVALID', 'invalid Warren config (2 errors):\n  a.yaml:1: x\n  a.yaml:2: y', { hint: 'fix each key' });
    expect(formatError(error, { verbose: false })).toEqual([
      'warren: invalid Warren config (2 errors): (WARREN_ERR_CONFIG_INVALID)',
      '  a.yaml:1: x',
      '  a.yaml:2: y',
      '  hint: fix each key',
    ]);
  });

  it('never prints a password from a broker URL', () => {
    const lines = formatError(new Error('connect ECONNREFUSED amqp://admin:s3cret@rabbit:5672'), { verbose: true });
    expect(lines.join('\n')).not.toContain('s3cret');
    expect(lines[0]).toBe('warren: connect ECONNREFUSED amqp://admin:***@rabbit:5672');
  });

  it('adds the stack and causes only with verbose', () => {
    const error = new WarrenError('WARREN_ERR_DRIVER_UNAVAILABLE', 'down', { cause: new Error('socket closed') });
    expect(formatError(error, { verbose: false })).toHaveLength(2);
    const verbose = formatError(error, { verbose: true }).join('\n');
    expect(verbose).toMatch(/at .*format-error\.test\.ts/);
    expect(verbose).toContain('caused by: Error: socket closed');
  });
});
