import { describe, expect, it } from 'vitest';
import { amqpDoctor } from '../../src/amqp-doctor.js';
import { parseAmqpPipelineOptions } from '../../src/amqp-options.js';

function run(options: Record<string, unknown>, maxJobTimeoutMs: number | undefined) {
  return amqpDoctor({
    pipelines: [{ name: 'emails', concurrency: 5, options: parseAmqpPipelineOptions(options), maxJobTimeoutMs }],
    section: undefined, file: 'warren.yaml',
  });
}

describe('amqpDoctor', () => {
  it.each([
    ['a sane pipeline', {}, 60_000, []],
    ['no job timeouts at all', {}, undefined, []],
    ['a job timeout above consumer_timeout', {}, 31 * 60_000, [{ severity: 'warning', code: 'WARREN_WRN_101', path: 'jobs.pipelines.emails' }]],
    ['max_priority on a quorum queue', { queue_type: 'quorum', max_priority: 5 }, undefined,
      [{ severity: 'error', code: 'WARREN_ERR_CONFIG_INVALID', path: 'jobs.pipelines.emails.options.max_priority' }]],
    ['max_priority on a classic queue', { max_priority: 5 }, undefined, []],
    ['delivery_limit on a classic queue', { delivery_limit: 20 }, undefined,
      [{ severity: 'error', code: 'WARREN_ERR_CONFIG_INVALID', path: 'jobs.pipelines.emails.options.delivery_limit' }]],
    ['delivery_limit on a quorum queue', { queue_type: 'quorum', delivery_limit: 20 }, undefined, []],
  ])('reports %s', (_label, options, maxJobTimeoutMs, expected) => {
    const diagnostics = run(options, maxJobTimeoutMs);
    expect(diagnostics).toEqual(expected.map((e) => expect.objectContaining({ ...e, file: 'warren.yaml' })));
  });
});
