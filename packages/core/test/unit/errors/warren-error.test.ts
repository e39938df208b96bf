import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BrokerUnavailable, Unrecoverable, WarrenError, isWarrenError } from '../../../src/index.js';

describe('WarrenError', () => {
  it('carries the code, the catalogue hint and retryability', () => {
    const error = new WarrenError('WARREN_ERR_JOB_TIMEOUT', 'job took too long');
    expect(error.code).toBe('WARREN_ERR_JOB_TIMEOUT');
    expect(error.retryable).toBe(true);
    expect(error.hint).toMatch(/timeout/);
  });

  it('keeps the original error as cause', () => {
    const cause = new Error('socket hang up');
    expect(new WarrenError('WARREN_ERR_DRIVER_UNAVAILABLE', 'down', { cause }).cause).toBe(cause);
  });

  it('redacts URL passwords from messages', () => {
    const error = new WarrenError('WARREN_ERR_CONFIG_INVALID', 'cannot reach amqp://app:s3cr3t@rabbit:5672/prod');
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).toContain('amqp://app:***@rabbit:5672/prod');
  });

  it('tells subclasses apart with instanceof', () => {
    const unavailable = new BrokerUnavailable('outbox full');
    expect(unavailable).toBeInstanceOf(WarrenError);
    expect(unavailable).toBeInstanceOf(BrokerUnavailable);
    expect(unavailable).not.toBeInstanceOf(Unrecoverable);
    expect(new WarrenError('WARREN_ERR_CONFIG_INVALID', 'x')).not.toBeInstanceOf(BrokerUnavailable);
    expect(isWarrenError(unavailable, 'WARREN_ERR_DRIVER_UNAVAILABLE')).toBe(true);
    expect(isWarrenError(unavailable, 'WARREN_ERR_JOB_TIMEOUT')).toBe(false);
  });

  it('keeps instanceof working across two loaded copies of the package', async () => {
    // A copy of the built error classes in another folder stands for a second installed @warren/core.
    const dist = fileURLToPath(new URL('../../../dist', import.meta.url));
    const copyRoot = mkdtempSync(join(tmpdir(), 'warren-copy-'));
    cpSync(join(dist, 'errors'), join(copyRoot, 'errors'), { recursive: true });
    cpSync(join(dist, 'util'), join(copyRoot, 'util'), { recursive: true });
    const copyUrl = pathToFileURL(join(copyRoot, 'errors', 'broker-unavailable.js')).href;
    const copy = (await import(/* @vite-ignore */ copyUrl)) as typeof import('../../../src/errors/broker-unavailable.js');
    rmSync(copyRoot, { recursive: true, force: true });
    expect(copy.BrokerUnavailable).not.toBe(BrokerUnavailable);
    const fromCopy = new copy.BrokerUnavailable('outbox full');
    expect(fromCopy).toBeInstanceOf(BrokerUnavailable);
    expect(fromCopy).toBeInstanceOf(WarrenError);
    expect(new BrokerUnavailable('x')).toBeInstanceOf(copy.BrokerUnavailable);
  });
});
