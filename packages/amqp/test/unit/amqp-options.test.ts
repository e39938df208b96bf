import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { interpolateEnv } from '@warren/core';
import { amqpPipelineOptionsSchema, amqpSectionSchema, parseAmqpPipelineOptions, parseAmqpSection, resolvePipelineOptions } from '../../src/amqp-options.js';

describe('amqp section schema', () => {
  it('fills every default of DESIGN.md', () => {
    const section = parseAmqpSection(undefined);
    expect(section).toMatchObject({
      urls: ['amqp://guest:guest@127.0.0.1:5672'],
      heartbeatMs: 30_000,
      redial: { scheduleMs: [100, 500, 1_000, 1_000, 2_000, 2_000, 5_000, 15_000, 25_000], jitter: 0.2, timeoutMs: 0, alertAfter: 10, probeIntervalMs: 250 },
      breaker: { failureThreshold: 50, resetTimeoutMs: 10_000 },
      outbox: { maxMessages: 10_000 },
      publishTimeoutMs: 10_000,
      watchdogIntervalMs: 5_000,
      isPublishFastPath: true,
    });
    expect(section.connectionName).toMatch(/^warren@.+:\d+$/);
  });

  it.each([
    [{ heartbeat: '2s' }, { heartbeatMs: 2_000 }],
    [{ heartbeat: 1500 }, { heartbeatMs: 1_500 }],
    [{ redial: { schedule: ['1s', 200], timeout: '5m' } }, { redial: { scheduleMs: [1_000, 200], jitter: 0.2, timeoutMs: 300_000, alertAfter: 10, probeIntervalMs: 250 } }],
    [{ redial: { probe_interval: 0 } }, { redial: { probeIntervalMs: 0 } }],
    [{ publish_timeout: '250ms', connection_name: 'svc-a' }, { publishTimeoutMs: 250, connectionName: 'svc-a' }],
    [{ outbox: { max_messages: 0 } }, { outbox: { maxMessages: 0 } }],
    [{ publish_fast_path: false }, { isPublishFastPath: false }],
    [{ publish_fast_path: 'false' }, { isPublishFastPath: false }],
  ])('parses %j', (raw, expected) => {
    expect(parseAmqpSection(raw)).toMatchObject(expected);
  });

  it('parses the strings that ${VAR} interpolation produces (integers, durations, fractions)', () => {
    const raw = {
      heartbeat: '${HEARTBEAT:-5s}', outbox: { max_messages: '${OUTBOX_MAX:-100}' },
      redial: { alert_after: '${ALERT_AFTER}', jitter: '${JITTER:-0.1}', schedule: ['${FIRST_STEP:-50ms}', '1s'] },
      breaker: { failure_threshold: '${BREAKER_FAILURES:-7}' },
    };
    const { value } = interpolateEnv(raw, { ALERT_AFTER: '4' });
    expect(parseAmqpSection(value)).toMatchObject({
      heartbeatMs: 5_000, outbox: { maxMessages: 100 }, redial: { alertAfter: 4, jitter: 0.1, scheduleMs: [50, 1_000] },
      breaker: { failureThreshold: 7 },
    });
    expect(parseAmqpPipelineOptions(interpolateEnv({ prefetch: '${PREFETCH:-12}', max_priority: '5' }, {}).value))
      .toMatchObject({ prefetch: 12, maxPriority: 5 });
  });

  it('says "duration" when a duration does not parse', () => {
    const result = amqpSectionSchema.safeParse({ publish_timeout: 'soon' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['publish_timeout'], message: expect.stringContaining('is not a duration') });
  });

  it.each([
    ['an unknown key', { reserve_timeout: '1s' }],
    ['an unknown nested key', { redial: { retries: 3 } }],
    ['a bad duration', { heartbeat: 'soon' }],
    ['a non-amqp url', { urls: ['http://localhost'] }],
    ['no urls', { urls: [] }],
    ['jitter above 1', { redial: { jitter: 2 } }],
    ['an empty schedule', { redial: { schedule: [] } }],
  ])('rejects %s', (_label, raw) => {
    expect(amqpSectionSchema.safeParse(raw).success).toBe(false);
  });

  it.each([
    ['the amqp section', amqpSectionSchema],
    ['pipeline options', amqpPipelineOptionsSchema],
  ])('describes every key of %s (docs come from the schema)', (_label, schema) => {
    const undocumented: string[] = [];
    const visited: string[] = [];
    const walk = (node: Record<string, any>, path: string) => {
      for (const [key, child] of Object.entries<Record<string, any>>(node.properties ?? {})) {
        visited.push(`${path}${key}`);
        if (!child.description) undocumented.push(`${path}${key}`);
        const object = child.type === 'object' ? child : (child.anyOf ?? []).find((option: any) => option.type === 'object');
        if (object) walk(object, `${path}${key}.`);
      }
    };
    walk(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, any>, '');
    expect(visited.length).toBeGreaterThanOrEqual(4);
    expect(undocumented).toEqual([]);
  });
});

describe('amqp pipeline options schema', () => {
  it('defaults queue to the pipeline name and prefetch to concurrency', () => {
    expect(resolvePipelineOptions('emails', 7, parseAmqpPipelineOptions(undefined))).toEqual({
      pipeline: 'emails', queue: 'emails', prefetch: 7, queueType: 'classic', maxPriority: undefined, deliveryLimit: undefined, delayQueueType: 'quorum',
    });
  });

  it('keeps explicit values', () => {
    expect(resolvePipelineOptions('emails', 7, parseAmqpPipelineOptions({ queue: 'q1', prefetch: 3, queue_type: 'quorum', max_priority: 10, delivery_limit: 20, delay_queue_type: 'classic' }))).toEqual({
      pipeline: 'emails', queue: 'q1', prefetch: 3, queueType: 'quorum', maxPriority: 10, deliveryLimit: 20, delayQueueType: 'classic',
    });
  });

  it.each([
    ['a beanstalk key', { reserve_timeout: '1s' }],
    ['an unknown queue type', { queue_type: 'stream' }],
    ['a stream delay queue', { delay_queue_type: 'stream' }],
    ['priority 0', { max_priority: 0 }],
    ['priority above 255', { max_priority: 256 }],
    ['a negative delivery limit', { delivery_limit: -1 }],
    ['prefetch 0', { prefetch: 0 }],
    ['a fractional prefetch string', { prefetch: '2.5' }],
  ])('rejects %s', (_label, raw) => {
    expect(amqpPipelineOptionsSchema.safeParse(raw).success).toBe(false);
  });
});
