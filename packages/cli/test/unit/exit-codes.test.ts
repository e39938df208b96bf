import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { WarrenError } from '@warren/core';
import { EXIT_CODES, exitCodeFor } from '../../src/exit-codes.js';

describe('exitCodeFor', () => {
  it.each([
    ['a config error', new WarrenError('WARREN_ERR_CONFIG_INVALID', 'bad'), EXIT_CODES.usage],
    ['a missing config file', new WarrenError('WARREN_ERR_CONFIG_NOT_FOUND', 'no file'), EXIT_CODES.usage],
    ['an unknown job name', new WarrenError('WARREN_ERR_JOB_NOT_FOUND', 'no job'), EXIT_CODES.usage],
    ['a job class without decorator metadata', new WarrenError('WARREN_ERR_DI_METADATA_MISSING', 'no metadata'), EXIT_CODES.usage],
    ['a non-empty directory for new', new WarrenError('WARREN_ERR_CLI_NOT_EMPTY', 'not empty'), EXIT_CODES.usage],
    ['an unknown option', new CommanderError(1, 'commander.unknownOption', "error: unknown option '--x'"), EXIT_CODES.usage],
    ['an unreachable broker', new WarrenError('WARREN_ERR_DRIVER_UNAVAILABLE', 'down'), EXIT_CODES.failure],
    ['a failed npm install', new WarrenError('WARREN_ERR_CLI_INSTALL_FAILED', 'npm'), EXIT_CODES.failure],
    ['a plain Error', new Error('boom'), EXIT_CODES.failure],
    ['a thrown string', 'boom', EXIT_CODES.failure],
  ])('maps %s to its exit code', (_, error, expected) => {
    expect(exitCodeFor(error)).toBe(expected);
  });

  it('uses 0, 1 and 2 as DESIGN.md says, and 130 for a forced stop', () => {
    expect(EXIT_CODES).toEqual({ ok: 0, failure: 1, usage: 2, forced: 130 });
  });
});
