import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { amqpDoctor } from '../../src/amqp-doctor.js';
import { parseAmqpPipelineOptions, parseAmqpSection, stuckJobAfterMs } from '../../src/amqp-options.js';

function run(options: Record<string, unknown>, maxJobTimeoutMs: number | undefined, section?: Record<string, unknown>) {
  return amqpDoctor({
    pipelines: [{ name: 'emails', concurrency: 5, options: parseAmqpPipelineOptions(options), maxJobTimeoutMs }],
    section: section === undefined ? undefined : parseAmqpSection(section), file: 'warren.yaml',
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

  it.each([
    ['above a lowered consumer_timeout', { consumer_timeout: '10m' }, 11 * 60_000, ['WARREN_WRN_101']],
    ['below a raised consumer_timeout', { consumer_timeout: '2h' }, 90 * 60_000, []],
    ['with consumer_timeout disabled on the broker (0)', { consumer_timeout: 0 }, 24 * 3_600_000, []],
  ])('compares a job timeout with amqp.consumer_timeout: %s', (_label, section, maxJobTimeoutMs, codes) => {
    const diagnostics = run({}, maxJobTimeoutMs, section);
    expect(diagnostics.map((d) => d.code)).toEqual(codes);
    if (codes.length > 0) expect(diagnostics[0]?.message).toContain('(10m, amqp.consumer_timeout)');
  });
});

describe('amqpDoctor on clusters and TLS', () => {
  const here = fileURLToPath(import.meta.url);

  it('warns (WARREN_WRN_110) about a classic queue when amqp.urls lists several nodes, not about a quorum one', () => {
    const urls = ['amqp://a:5672', 'amqp://b:5672', 'amqp://c:5672'];
    expect(run({}, undefined, { urls }).map((d) => [d.code, d.path])).toEqual([['WARREN_WRN_110', 'jobs.pipelines.emails.options.queue_type']]);
    expect(run({ queue_type: 'quorum' }, undefined, { urls })).toEqual([]);
    expect(run({}, undefined, { urls: ['amqp://a:5672'] })).toEqual([]);
  });

  it('reports an unreadable amqp.tls file as a config error with its key path, and tls without amqps:// as WARREN_WRN_111', () => {
    const missing = run({}, undefined, { urls: ['amqps://a:5671'], tls: { ca: './no-such-ca.pem', cert: here, key: here } });
    expect(missing.map((d) => [d.severity, d.code, d.path])).toEqual([['error', 'WARREN_ERR_CONFIG_INVALID', 'amqp.tls.ca']]);
    expect(missing[0]?.message).toContain('no-such-ca.pem');
    expect(run({}, undefined, { urls: ['amqps://a:5671'], tls: { ca: here } })).toEqual([]);
    expect(run({}, undefined, { urls: ['amqp://a:5672'], tls: { ca: here } }).map((d) => d.code)).toEqual(['WARREN_WRN_111']);
  });

  it('refuses amqp.tls.cert without amqp.tls.key (and the reverse) at parse time', () => {
    expect(() => parseAmqpSection({ tls: { cert: here } })).toThrow(/amqp\.tls\.cert is set without amqp\.tls\.key/);
    expect(() => parseAmqpSection({ tls: { key: here } })).toThrow(/amqp\.tls\.key is set without amqp\.tls\.cert/);
    expect(parseAmqpSection({ tls: { ca: [here, here], reject_unauthorized: 'false' } }).tls).toMatchObject({ caFiles: [here, here], rejectUnauthorized: false });
  });
});

describe('stuckJobAfterMs', () => {
  it.each([
    ['the default consumer_timeout (30m)', {}, 15 * 60_000],
    ['a configured one', { consumer_timeout: '10s' }, 5_000],
    ['none when the broker has it disabled', { consumer_timeout: 0 }, undefined],
  ])('is half of %s', (_label, section, expected) => {
    expect(stuckJobAfterMs(parseAmqpSection(section))).toBe(expected);
  });
});
