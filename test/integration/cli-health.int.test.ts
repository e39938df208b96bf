/*
 * The health server of `warren run`: /ready turns 503 while the broker is unreachable and 200 again
 * after recovery, /health stays 200, and /metrics is valid Prometheus text that counts jobs. The
 * outage is a TCP proxy between the worker and RabbitMQ that we cut, so the broker keeps running.
 */
import { describe, expect, it } from 'vitest';
import { TcpProxy } from '../support/tcp-proxy.js';
import {
  SLEEP_JOB_MODULE, deleteQueues, eventually, httpGet, makeProject, publishSleepJob, startWarren, startedPort, uniqueName, workerYaml,
} from './cli-harness.js';

/** Prometheus text format 0.0.4: comments, or `name{labels} value`; every sample's family has a TYPE. */
function assertPrometheusText(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const typed = new Set<string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
    if (comment) {
      if (comment[1] === 'TYPE') {
        expect(comment[3]).toMatch(/^(counter|gauge|histogram|summary|untyped)$/);
        typed.add(comment[2] ?? '');
      }
      continue;
    }
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\]|\\.)*",?)*\})? (-?[0-9.e+-]+|NaN|[+-]Inf)$/.exec(line);
    expect(sample, `not a Prometheus sample line: ${line}`).not.toBeNull();
    const family = (sample?.[1] ?? '').replace(/_(bucket|sum|count|total)$/, '');
    expect(typed.has(family) || typed.has(sample?.[1] ?? ''), `no TYPE for ${sample?.[1]}`).toBe(true);
    samples.set(`${sample?.[1]}${sample?.[2] ?? ''}`, Number(sample?.[3]));
  }
  return samples;
}

describe('warren run health server', () => {
  it('reports not ready while the broker is cut off, ready after recovery, and serves metrics', async () => {
    const queue = uniqueName('warren.cli.health');
    const proxy = await TcpProxy.start();
    const { dir, cleanup } = makeProject({ 'warren.yaml': workerYaml({ queue, url: proxy.amqpUrl() }), 'jobs/sleep.js': SLEEP_JOB_MODULE });
    const worker = startWarren(['run'], dir);
    try {
      const port = await startedPort(worker);
      await eventually(() => httpGet(port, '/ready'), (r) => r.status === 200, '/ready to be 200');

      await publishSleepJob(queue, 'one', 5);
      const metrics = await eventually(() => httpGet(port, '/metrics'), (r) => r.body.includes('outcome="succeeded"'), 'the job to be counted');
      expect(metrics.type).toMatch(/^text\/plain; version=0\.0\.4/);
      const samples = assertPrometheusText(metrics.body);
      expect(samples.get('warren_jobs_total{pipeline="work",job="test.sleep",outcome="succeeded",reason=""}')).toBe(1);
      expect(samples.get('warren_driver_state{driver="amqp",state="ready"}')).toBe(1);
      expect(samples.get('warren_ready')).toBe(1);
      expect(samples.get('warren_jobs_in_flight{pipeline="work"}')).toBe(0);
      expect(samples.get('warren_job_duration_seconds_count{pipeline="work",job="test.sleep",outcome="succeeded"}')).toBe(1);

      await proxy.refuse();
      proxy.dropAll();
      const down = await eventually(() => httpGet(port, '/ready'), (r) => r.status === 503, '/ready to be 503 during the outage');
      const body = JSON.parse(down.body) as { ready: boolean; reasons: string[] };
      expect(body.ready).toBe(false);
      expect(body.reasons.join(' ')).toContain('work');
      expect((await httpGet(port, '/health')).status).toBe(200);
      const duringOutage = assertPrometheusText((await httpGet(port, '/metrics')).body);
      expect(duringOutage.get('warren_ready')).toBe(0);
      expect(duringOutage.get('warren_driver_state{driver="amqp",state="ready"}')).toBe(0);

      await proxy.restore();
      await eventually(() => httpGet(port, '/ready'), (r) => r.status === 200, '/ready to be 200 after recovery', 30_000);

      worker.child.kill('SIGTERM');
      expect(await worker.exitCode()).toBe(0);
    } finally {
      await worker.kill();
      await proxy.close();
      cleanup();
      await deleteQueues(queue, `${queue}.dlq`);
    }
  });

  it('exits 1 once the driver fails (disconnected longer than redial.timeout)', async () => {
    const queue = uniqueName('warren.cli.health');
    const proxy = await TcpProxy.start();
    const { dir, cleanup } = makeProject({ 'warren.yaml': workerYaml({ queue, url: proxy.amqpUrl(), redialTimeout: '2s' }), 'jobs/sleep.js': SLEEP_JOB_MODULE });
    const worker = startWarren(['run'], dir);
    try {
      const port = await startedPort(worker);
      await eventually(() => httpGet(port, '/ready'), (r) => r.status === 200, '/ready to be 200');
      await proxy.refuse();
      proxy.dropAll();
      expect(await worker.exitCode()).toBe(1);
      expect(worker.logs().find((log) => log.level === 50 && log.reason === 'driver amqp failed')).toBeDefined();
    } finally {
      await worker.kill();
      await proxy.close();
      cleanup();
      await deleteQueues(queue, `${queue}.dlq`);
    }
  });
});
