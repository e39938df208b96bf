import { describe, expect, it } from 'vitest';
import type { WarrenConfig } from '@warren/core';
import { startupMessage, startupSummary } from '../../../src/runtime/startup-summary.js';

const config = {
  version: 1,
  jobs: {
    modules: [], bootstrap: undefined, consume: ['emails', 'reports'], shutdownTimeoutMs: 30_000,
    pipelines: {
      emails: { driver: 'amqp', concurrency: 10, options: {} },
      reports: { driver: 'memory', concurrency: 2, options: {} },
    },
  },
  http: { port: 9400, host: '0.0.0.0', enabled: true },
  log: { level: 'info', pretty: undefined },
  drivers: {},
  file: undefined,
} satisfies WarrenConfig;

describe('startupSummary', () => {
  it('lists consumed pipelines with driver, concurrency, handlers and the bound port', () => {
    const summary = startupSummary(config, ['emails'], (p) => (p === 'emails' ? ['emails.welcome', 'emails.digest'] : []), { host: '127.0.0.1', port: 41234 });
    expect(summary).toEqual({
      pipelines: [{ name: 'emails', driver: 'amqp', concurrency: 10, handlers: ['emails.welcome', 'emails.digest'] }],
      drivers: ['amqp'],
      http: { host: '127.0.0.1', port: 41234, url: 'http://127.0.0.1:41234' },
      shutdownTimeoutMs: 30_000,
    });
    expect(startupMessage(summary)).toBe('warren started: emails (amqp ×10, 2 handlers); health/metrics on http://127.0.0.1:41234');
  });

  it.each([
    [['emails', 'reports'], undefined, 'warren started: emails (amqp ×10, 0 handlers), reports (memory ×2, 0 handlers); http disabled'],
    [[], undefined, 'warren started: no pipelines consumed; http disabled'],
    [['reports'], { host: '::1', port: 9400 }, 'warren started: reports (memory ×2, 0 handlers); health/metrics on http://[::1]:9400'],
  ])('summarises %j', (consumed, http, message) => {
    expect(startupMessage(startupSummary(config, consumed, () => [], http))).toBe(message);
  });
});
