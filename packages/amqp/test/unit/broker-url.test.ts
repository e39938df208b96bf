import { describe, expect, it } from 'vitest';
import { DriverRegistry, loadConfig } from '@warren/core';
import { amqpSectionSchema } from '../../src/amqp-options.js';
import { amqpDriverDefinition } from '../../src/amqp-driver-definition.js';
import { brokerUrlProblem, hideBrokerUrlPassword } from '../../src/broker-url.js';

describe('brokerUrlProblem', () => {
  it.each([
    'amqp://guest:guest@127.0.0.1:5672',
    'amqps://app:s3cr%23t@rabbit.internal:5671/prod?heartbeat=10',
    'amqp://rabbit.internal',
    'amqp://app:p%40ss%2Fw%3Frd@[::1]:5673/%2F',
    'AMQP://app:pw@host',
  ])('accepts %s', (url) => {
    expect(brokerUrlProblem(url)).toBeUndefined();
  });

  it.each([
    ['a raw # that breaks the port', 'amqp://app:s3cr#t@host', /is not a valid URL/],
    ['a raw # after a numeric password (parses, with the password in the fragment)', 'amqp://app:123#t@host', /'@' after its host/],
    ['a raw / in the password', 'amqp://app:12/34@host:5672/v', /'@' after its host/],
    ['a raw ? in the password', 'amqps://app:pa?ss@host', /is not a valid URL/],
    ['a raw ? after a numeric password', 'amqp://app:12?t@host', /'@' after its host/],
    ['a fragment', 'amqp://host:5672/v#x', /'#' fragment/],
    ['another scheme', 'http://app:pw@host', /must start with amqp/],
    ['no host', 'amqp://', /names no host/],
    ['a port out of range', 'amqp://app:pw@host:99999', /is not a valid URL/],
  ])('refuses %s, with the password hidden and the fix', (_title, url, message) => {
    const problem = brokerUrlProblem(url);
    expect(problem?.message).toMatch(message);
    expect(problem?.message).not.toMatch(/s3cr|pa\?ss|12\/34|123#t/);
  });
});

describe('hideBrokerUrlPassword', () => {
  it.each([
    ['amqp://app:s3cr#t@host', 'amqp://app:***@host'],
    ['amqp://app:s3/cr@t@host:5672/v', 'amqp://app:***@host:5672/v'],
    ['amqp://guest:guest@127.0.0.1:5672', 'amqp://guest:***@127.0.0.1:5672'],
    ['amqp://rabbit.internal:5672/v', 'amqp://rabbit.internal:5672/v'],
  ])('%s → %s', (url, expected) => {
    expect(hideBrokerUrlPassword(url)).toBe(expected);
  });
});

describe('amqp.urls at config load', () => {
  it('is a config error naming amqp.urls[i], with the password hidden and the fix', async () => {
    const registry = new DriverRegistry().register(amqpDriverDefinition);
    const result = await loadConfig({
      version: 1,
      amqp: { urls: ['amqp://guest:guest@127.0.0.1:5672', 'amqp://app:s3cr#t@host'] },
      jobs: { pipelines: { work: { driver: 'amqp', concurrency: 1 } } },
    }, { registry });
    const errors = result.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([expect.objectContaining({ code: 'WARREN_ERR_CONFIG_INVALID', path: 'amqp.urls[1]', hint: expect.stringContaining('%23') })]);
    expect(JSON.stringify(result.diagnostics)).not.toContain('s3cr#t');
  });

  it('is refused by the section schema itself (drivers built from code get the same check)', () => {
    expect(amqpSectionSchema.safeParse({ urls: ['amqp://app:s3cr#t@host'] }).success).toBe(false);
  });
});
