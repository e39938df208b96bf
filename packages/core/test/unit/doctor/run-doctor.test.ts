import { describe, expect, it } from 'vitest';
import { formatDiagnostic, hasErrors, runDoctor, type Diagnostic, type DoctorJobInfo } from '../../../src/index.js';
import { fakeAmqpDriver, fakeMemoryDriver, fakeRegistry, fakeSqsDriver } from '../config/fake-drivers.js';

const registry = fakeRegistry();
const withSqs = fakeRegistry(fakeMemoryDriver, fakeAmqpDriver, fakeSqsDriver);

function amqpPipeline(options: Record<string, unknown>, concurrency = 10) {
  return { version: 1, jobs: { pipelines: { emails: { driver: 'amqp', concurrency, options } } } };
}

interface Case {
  readonly title: string;
  readonly source: object;
  readonly jobs?: DoctorJobInfo[];
  readonly registry?: typeof registry;
  readonly expected: Partial<Diagnostic> & { messageIncludes?: string; hintIncludes?: string };
}

const job = (pipeline: string, timeoutMs?: number): DoctorJobInfo => ({ name: 'emails.welcome', className: 'SendWelcomeEmail', pipeline, timeoutMs });

const cases: Case[] = [
  {
    title: 'a beanstalk key in an amqp pipeline, with no beanstalk driver registered',
    source: amqpPipeline({ reserve_timeout: '5s' }),
    expected: { code: 'WARREN_ERR_CONFIG_UNKNOWN_KEY', path: 'jobs.pipelines.emails.options.reserve_timeout', messageIncludes: '`reserve_timeout` is a beanstalk option; the amqp driver has no such key' },
  },
  {
    title: 'a key of another registered driver',
    source: amqpPipeline({ message_group: 'g' }), registry: withSqs,
    expected: { code: 'WARREN_ERR_CONFIG_UNKNOWN_KEY', path: 'jobs.pipelines.emails.options.message_group', messageIncludes: 'is a sqs option; the amqp driver has no such key' },
  },
  {
    title: 'a typo in a driver option',
    source: amqpPipeline({ prefech: 10 }),
    expected: { code: 'WARREN_ERR_CONFIG_UNKNOWN_KEY', path: 'jobs.pipelines.emails.options.prefech', messageIncludes: 'did you mean `prefetch`?' },
  },
  {
    title: 'a typo in a core key',
    source: { version: 1, jobs: { shutdown_timout: '10s' } },
    expected: { code: 'WARREN_ERR_CONFIG_UNKNOWN_KEY', path: 'jobs.shutdown_timout', messageIncludes: 'did you mean `shutdown_timeout`?' },
  },
  {
    title: 'a camelCase spelling of a snake_case key',
    source: { version: 1, jobs: { shutdownTimeout: '10s' } },
    expected: { path: 'jobs.shutdownTimeout', messageIncludes: 'did you mean `shutdown_timeout`?' },
  },
  {
    title: 'an unknown top-level key far from any known one',
    source: { version: 1, workers: 3 },
    expected: { code: 'WARREN_ERR_CONFIG_UNKNOWN_KEY', path: 'workers', hintIncludes: 'known keys here: version, jobs, http, log, amqp' },
  },
  {
    title: 'a driver option written next to `options` instead of in it',
    source: { version: 1, jobs: { pipelines: { emails: { driver: 'amqp', prefetch: 10 } } } },
    expected: { code: 'WARREN_ERR_CONFIG_UNKNOWN_KEY', path: 'jobs.pipelines.emails.prefetch', hintIncludes: 'jobs.pipelines.emails.options.prefetch' },
  },
  {
    title: 'an unknown key in a driver section',
    source: { version: 1, amqp: { hearbeat: '10s' }, jobs: { pipelines: { a: { driver: 'amqp' } } } },
    expected: { code: 'WARREN_ERR_CONFIG_UNKNOWN_KEY', path: 'amqp.hearbeat', messageIncludes: 'did you mean `heartbeat`?' },
  },
  {
    title: 'a section for an unregistered driver',
    source: { version: 1, kafka: { brokers: [] } },
    expected: { code: 'WARREN_ERR_DRIVER_NOT_FOUND', path: 'kafka', hintIncludes: '@warren/kafka' },
  },
  {
    title: 'consume naming an undefined pipeline',
    source: { version: 1, jobs: { consume: ['emails', 'widgets'], pipelines: { emails: {}, reports: {} } } },
    expected: { code: 'WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND', path: 'jobs.consume[1]', messageIncludes: 'defined pipelines: emails, reports' },
  },
  {
    title: 'consume with a typo of a defined pipeline',
    source: { version: 1, jobs: { consume: ['emials'], pipelines: { emails: {} } } },
    expected: { path: 'jobs.consume[0]', messageIncludes: 'did you mean `emails`?' },
  },
  {
    title: 'a job bound to a pipeline that does not exist',
    source: { version: 1, jobs: { pipelines: { emails: {} } } }, jobs: [job('emails'), { ...job('mailers'), className: 'Mailer', name: 'm' }],
    expected: { severity: 'error', code: 'WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND', messageIncludes: 'job `m` (class Mailer) is bound to pipeline `mailers`, which is not defined (defined pipelines: emails)' },
  },
  {
    title: 'a consumed pipeline with no jobs',
    source: { version: 1, jobs: { consume: ['emails', 'reports'], pipelines: { emails: {}, reports: {} } } }, jobs: [job('emails')],
    expected: { severity: 'warning', code: 'WARREN_WRN_001', path: 'jobs.consume[1]', messageIncludes: '`reports` is consumed but no job is bound to it' },
  },
  {
    title: 'a consumed job without a timeout',
    source: { version: 1, jobs: { pipelines: { emails: { concurrency: 4 } } } }, jobs: [{ ...job('emails'), name: 'emails.welcome', className: 'SendWelcome' }],
    expected: { severity: 'warning', code: 'WARREN_WRN_006', path: 'jobs.pipelines.emails', messageIncludes: 'job `emails.welcome` (class SendWelcome) has no timeout', hintIncludes: 'consumer_timeout' },
  },
  {
    title: 'prefetch below concurrency',
    source: amqpPipeline({ prefetch: 5 }, 20),
    expected: { severity: 'error', code: 'WARREN_ERR_CONFIG_MISMATCH', path: 'jobs.pipelines.emails.options.prefetch', messageIncludes: 'prefetch 5 is below concurrency 20' },
  },
  {
    title: 'prefetch far above concurrency',
    source: amqpPipeline({ prefetch: 21 }, 10),
    expected: { severity: 'warning', code: 'WARREN_WRN_002', path: 'jobs.pipelines.emails.options.prefetch', messageIncludes: 'messages are held unacked' },
  },
  {
    title: 'a bad duration',
    source: { version: 1, jobs: { shutdown_timeout: '30 seconds' } },
    expected: { code: 'WARREN_ERR_CONFIG_INVALID', path: 'jobs.shutdown_timeout', messageIncludes: '"30 seconds" is not a duration', hintIncludes: '30s' },
  },
  {
    title: 'a bad duration in a driver section',
    source: { version: 1, amqp: { heartbeat: false }, jobs: { pipelines: { a: { driver: 'amqp' } } } },
    expected: { code: 'WARREN_ERR_CONFIG_INVALID', path: 'amqp.heartbeat', messageIncludes: 'must be a duration' },
  },
  {
    title: 'a missing env var without default',
    source: { version: 1, jobs: { bootstrap: '${BOOTSTRAP_MODULE}' } },
    expected: { code: 'WARREN_ERR_CONFIG_ENV_MISSING', path: 'jobs.bootstrap', messageIncludes: 'BOOTSTRAP_MODULE is not set' },
  },
  {
    title: 'a wrong type',
    source: { version: 1, jobs: { pipelines: { a: { concurrency: 'lots' } } } },
    expected: { code: 'WARREN_ERR_CONFIG_INVALID', path: 'jobs.pipelines.a.concurrency', messageIncludes: 'must be a number, but is the text "lots"' },
  },
  {
    title: 'a value out of range',
    source: { version: 1, jobs: { pipelines: { a: { concurrency: 0 } } } },
    expected: { path: 'jobs.pipelines.a.concurrency', messageIncludes: 'must be at least 1, but is the number 0' },
  },
  {
    title: 'a wrong enum value',
    source: amqpPipeline({ queue_type: 'quorom' }),
    expected: { path: 'jobs.pipelines.emails.options.queue_type', messageIncludes: 'must be one of classic, quorum, but is the text "quorom"; did you mean `quorum`?' },
  },
  {
    title: 'a missing version',
    source: { jobs: {} },
    expected: { code: 'WARREN_ERR_CONFIG_INVALID', path: 'version', messageIncludes: '`version` is required', hintIncludes: 'version: 1' },
  },
  {
    title: "a finding of the driver's own doctor hook, given the longest job timeout",
    source: amqpPipeline({}), jobs: [job('emails', 1_000), job('emails', 3_600_000)],
    expected: { code: 'WARREN_WRN_AMQP_FAKE', path: 'jobs.pipelines.emails', messageIncludes: '3600000ms' },
  },
];

describe('runDoctor', () => {
  it.each(cases)('reports $title', async ({ source, jobs, expected, registry: caseRegistry }) => {
    const diagnostics = await runDoctor({ source, registry: caseRegistry ?? registry, env: {}, ...(jobs ? { jobs } : {}) });
    const { messageIncludes, hintIncludes, ...fields } = expected;
    const match = diagnostics.find(
      (d) => Object.entries(fields).every(([key, value]) => d[key as keyof Diagnostic] === value)
        && (!messageIncludes || d.message.includes(messageIncludes)) && (!hintIncludes || d.hint.includes(hintIncludes)),
    );
    expect(match, diagnostics.map(formatDiagnostic).join('\n')).toBeDefined();
    expect(match?.hint.length).toBeGreaterThan(0);
  });

  it('reports all three findings of the incident config, errors first', async () => {
    const incident = {
      version: 1,
      amqp: { urls: ['amqp://guest:guest@127.0.0.1:5672'] },
      jobs: { consume: ['widgets'], pipelines: { emails: { driver: 'amqp', concurrency: 50, options: { queue: 'emails', prefetch: 200, reserve_timeout: 5 } } } },
    };
    const diagnostics = await runDoctor({ source: incident, registry, env: {} });
    expect(diagnostics.map((d) => [d.severity, d.code, d.path])).toEqual([
      ['error', 'WARREN_ERR_CONFIG_PIPELINE_NOT_FOUND', 'jobs.consume[0]'],
      ['error', 'WARREN_ERR_CONFIG_UNKNOWN_KEY', 'jobs.pipelines.emails.options.reserve_timeout'],
      ['warning', 'WARREN_WRN_002', 'jobs.pipelines.emails.options.prefetch'],
    ]);
    expect(hasErrors(diagnostics)).toBe(true);
  });

  it('finds nothing in a sound config and skips job checks when no jobs are given', async () => {
    const diagnostics = await runDoctor({ source: amqpPipeline({ prefetch: 10 }), registry, env: {} });
    expect(diagnostics).toEqual([]);
    expect(hasErrors(diagnostics)).toBe(false);
  });

  it("turns a crashing driver hook into a warning instead of throwing", async () => {
    const crashing = { ...fakeAmqpDriver, doctor: () => { throw new Error('boom'); } };
    const diagnostics = await runDoctor({ source: amqpPipeline({}), registry: fakeRegistry(fakeMemoryDriver, crashing), env: {} });
    expect(diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'WARREN_WRN_004', path: 'amqp' })]);
  });

  it('returns the not-found error for a missing file', async () => {
    const diagnostics = await runDoctor({ source: '/nonexistent/warren.yaml', registry });
    expect(diagnostics.map((d) => d.code)).toEqual(['WARREN_ERR_CONFIG_NOT_FOUND']);
  });
});
