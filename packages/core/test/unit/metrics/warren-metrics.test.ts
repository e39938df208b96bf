import { describe, expect, it } from 'vitest';
import { TypedEmitter, WarrenError, WarrenMetrics, type MetricsHealth, type WarrenEventMap } from '../../../src/index.js';

const job = { id: 'j1', name: 'emails.welcome', pipeline: 'emails', attempt: 1, maxAttempts: 3 };
/** The registered jobs of the fake source. */
const registry = { find: (name: string) => (name === 'emails.welcome' ? {} : undefined) };

function setup(health: Partial<MetricsHealth> = {}) {
  const events = new TypedEmitter<WarrenEventMap>();
  const snapshot: MetricsHealth = { live: true, ready: true, pipelines: [], drivers: [], ...health };
  const metrics = new WarrenMetrics({ collectProcessMetrics: false });
  metrics.attach({ events, registry, health: () => snapshot });
  return { events, metrics };
}

/** The value of the sample line `name{labels}` in a text exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('WarrenMetrics', () => {
  it.each([
    ['job:succeeded', { job, durationMs: 20 }, 'warren_jobs_total{pipeline="emails",job="emails.welcome",outcome="succeeded",reason=""}'],
    ['job:failed', { job, durationMs: 5, error: new Error('x'), retryInMs: 1000 }, 'warren_jobs_total{pipeline="emails",job="emails.welcome",outcome="retried",reason="error"}'],
    ['job:failed', { job, durationMs: 5, error: new WarrenError('WARREN_ERR_JOB_TIMEOUT', 't'), retryInMs: undefined }, 'warren_jobs_total{pipeline="emails",job="emails.welcome",outcome="failed",reason="WARREN_ERR_JOB_TIMEOUT"}'],
    ['job:deadLettered', { job: { pipeline: 'emails' }, reason: 'undecodable', error: new Error('bad json') }, 'warren_jobs_total{pipeline="emails",job="(unknown)",outcome="dead_lettered",reason="undecodable"}'],
    ['job:deadLettered', { job, reason: 'internal-error', error: new Error('bug') }, 'warren_jobs_total{pipeline="emails",job="emails.welcome",outcome="dead_lettered",reason="internal-error"}'],
  ] as const)('counts %s as the right outcome', async (event, payload, series) => {
    const { events, metrics } = setup();
    events.emit(event, payload as never);
    expect(sample(await metrics.render(), series)).toBe(1);
  });

  it('labels unregistered job names, undocumented reasons and uncatalogued codes as (unknown) or error', async () => {
    const { events, metrics } = setup();
    for (let i = 0; i < 50; i += 1) {
      events.emit('job:deadLettered', { job: { pipeline: 'emails', name: `foreign.type.${i}` }, reason: 'unknown-job', error: new Error('x') });
    }
    events.emit('job:deadLettered', { job, reason: 'made-up' as never, error: new Error('x') });
    events.emit('job:failed', { job, durationMs: 1, error: new WarrenError(`WARREN_ERR_JOB_${'X'.repeat(8)}`, 'custom'), retryInMs: 10 });
    const text = await metrics.render();
    expect(sample(text, 'warren_jobs_total{pipeline="emails",job="(unknown)",outcome="dead_lettered",reason="unknown-job"}')).toBe(50);
    expect(sample(text, 'warren_jobs_total{pipeline="emails",job="emails.welcome",outcome="dead_lettered",reason="(unknown)"}')).toBe(1);
    expect(sample(text, 'warren_jobs_total{pipeline="emails",job="emails.welcome",outcome="retried",reason="error"}')).toBe(1);
    expect(text).not.toContain('foreign.type');
    expect(text.split('\n').filter((line) => line.startsWith('warren_jobs_total{'))).toHaveLength(3);
  });

  it('counts each outcome once when attached twice', async () => {
    const { events, metrics } = setup();
    metrics.attach({ events, registry, health: () => ({ live: true, ready: true, pipelines: [], drivers: [] }) });
    events.emit('job:succeeded', { job, durationMs: 1 });
    expect(sample(await metrics.render(), 'warren_jobs_total{pipeline="emails",job="emails.welcome",outcome="succeeded",reason=""}')).toBe(1);
  });

  it('shows each consumption breaker\'s state per pipeline', async () => {
    const { metrics } = setup({ pipelines: [{ name: 'orders', consuming: true, inFlight: 0, breakers: { pipeline: 'open', 'job:orders.capture': 'closed' } }] });
    const text = await metrics.render();
    expect(sample(text, 'warren_consumption_breaker_state{pipeline="orders",breaker="pipeline",state="open"}')).toBe(1);
    expect(sample(text, 'warren_consumption_breaker_state{pipeline="orders",breaker="pipeline",state="closed"}')).toBe(0);
    expect(sample(text, 'warren_consumption_breaker_state{pipeline="orders",breaker="job:orders.capture",state="closed"}')).toBe(1);
  });

  it('observes durations in seconds', async () => {
    const { events, metrics } = setup();
    events.emit('job:succeeded', { job, durationMs: 300 });
    const text = await metrics.render();
    expect(sample(text, 'warren_job_duration_seconds_sum{pipeline="emails",job="emails.welcome",outcome="succeeded"}')).toBeCloseTo(0.3);
    expect(sample(text, 'warren_job_duration_seconds_bucket{le="0.25",pipeline="emails",job="emails.welcome",outcome="succeeded"}')).toBe(0);
    expect(sample(text, 'warren_job_duration_seconds_bucket{le="0.5",pipeline="emails",job="emails.welcome",outcome="succeeded"}')).toBe(1);
  });

  it('reads in-flight, readiness and driver gauges from health at scrape time', async () => {
    const { metrics } = setup({
      live: true,
      ready: false,
      pipelines: [{ name: 'emails', consuming: false, inFlight: 4 }],
      drivers: [{ driver: 'amqp', state: 'reconnecting', gauges: { redials: 3, breaker: 'open', outboxDepth: 7, channels: 2 } }],
    });
    const text = await metrics.render();
    expect(sample(text, 'warren_up')).toBe(1);
    expect(sample(text, 'warren_ready')).toBe(0);
    expect(sample(text, 'warren_jobs_in_flight{pipeline="emails"}')).toBe(4);
    expect(sample(text, 'warren_pipeline_consuming{pipeline="emails"}')).toBe(0);
    expect(sample(text, 'warren_driver_state{driver="amqp",state="reconnecting"}')).toBe(1);
    expect(sample(text, 'warren_driver_state{driver="amqp",state="ready"}')).toBe(0);
    expect(sample(text, 'warren_driver_redials{driver="amqp"}')).toBe(3);
    expect(sample(text, 'warren_outbox_depth{driver="amqp"}')).toBe(7);
    expect(sample(text, 'warren_breaker_state{driver="amqp",state="open"}')).toBe(1);
    expect(sample(text, 'warren_breaker_state{driver="amqp",state="closed"}')).toBe(0);
    expect(sample(text, 'warren_driver_gauge{driver="amqp",name="channels"}')).toBe(2);
  });

  it('stops counting after detach', async () => {
    const { events, metrics } = setup();
    metrics.detach();
    events.emit('job:succeeded', { job, durationMs: 1 });
    expect(await metrics.render()).not.toContain('outcome="succeeded"');
  });

  it('renders every line as Prometheus text (comment or name{labels} value)', async () => {
    const { events, metrics } = setup({ drivers: [{ driver: 'memory', state: 'ready', gauges: {} }] });
    events.emit('job:succeeded', { job, durationMs: 1 });
    const lines = (await metrics.render()).split('\n').filter((l) => l !== '');
    for (const line of lines) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|[a-zA-Z_:][\w:]*(\{[^}]*\})? -?[\d.e+-]+|[a-zA-Z_:][\w:]*(\{[^}]*\})? (NaN|\+Inf|-Inf))$/);
    expect(metrics.contentType).toMatch(/^text\/plain/);
  });
});

describe('WarrenMetrics process metrics', () => {
  it('spells NaN as the exposition format does', async () => {
    const metrics = new WarrenMetrics();
    const text = await metrics.render();
    expect(text).toContain('warren_nodejs_eventloop_lag_seconds');
    expect(text).not.toMatch(/ Nan$/m);
  });
});
