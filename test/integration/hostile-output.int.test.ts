/*
 * What hostile input may do to Warren's output (issue 11, point 7), on RabbitMQ and through the built CLI:
 * a flood of foreign job types lands in Q.dlq as unknown-job without adding a metrics series per type (job
 * label `(unknown)`), and a password is redacted before any value is cut for display (doctor, dlq list).
 * Each test has its own queues.
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeProject, runWarren, workerYaml } from './cli-harness.js';
import { HostileFixture } from '../support/hostile-fixture.js';
import { Job, WarrenMetrics, type JobContext } from '../support/warren-packages.js';

const SECRET = 'correct-horse-battery-staple-0123456789';
const LONG_URL = `amqp://app:${SECRET}@mq.internal:5672/prod`;
const handled: string[] = [];

@Job('hostile.ok', { pipeline: 'main' })
class OkJob {
  handle(_payload: unknown, ctx: JobContext) {
    handled.push(ctx.id);
  }
}

/** The value of the sample line `series` in a Prometheus text exposition. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

let fixture: HostileFixture | undefined;
let cleanup: (() => void) | undefined;
afterEach(async () => {
  if (fixture) expect(fixture.output()).not.toContain(SECRET);
  await fixture?.dispose();
  fixture = undefined;
  cleanup?.();
  cleanup = undefined;
});

describe('metrics labels under a flood of foreign job types', () => {
  it('dead-letters 200 unknown types as unknown-job and counts them under job="(unknown)"', async () => {
    fixture = await HostileFixture.start({ label: 'labels', jobs: [OkJob], concurrency: 10 });
    const metrics = new WarrenMetrics({ collectProcessMetrics: false });
    metrics.attach(fixture.warren);
    try {
      for (let i = 0; i < 200; i += 1) {
        fixture.channel.sendToQueue(fixture.queue, Buffer.from('{}'), { type: `foreign.${randomUUID()}`, messageId: `f-${i}`, persistent: true });
      }
      await fixture.channel.waitForConfirms();
      await fixture.until(async () => (await fixture!.depth(fixture!.dlq)) === 200, 'the 200 dead letters');
      const letter = await fixture.takeDeadLetter();
      expect(letter.properties.headers?.['x-warren-dead-reason']).toBe('unknown-job');

      await fixture.publish('{}', { type: 'hostile.ok', messageId: 'good-after-flood', persistent: true });
      await fixture.until(() => handled.includes('good-after-flood'), 'the good job after the flood');
      await fixture.until(async () => sample(await metrics.render(), 'warren_jobs_total{pipeline="main",job="hostile.ok",outcome="succeeded",reason=""}') === 1, 'the success counted');

      const text = await metrics.render();
      expect(sample(text, 'warren_jobs_total{pipeline="main",job="(unknown)",outcome="dead_lettered",reason="unknown-job"}')).toBe(200);
      expect(text).not.toContain('foreign.');
      expect(text.split('\n').filter((line) => line.startsWith('warren_jobs_total{'))).toHaveLength(2);
      expect(await fixture.depth()).toBe(0);
    } finally {
      metrics.detach();
    }
  });
});

describe('redaction before truncation', () => {
  it('warren doctor shows a mistyped value holding a long URL with its password redacted, not cut', async () => {
    const project = makeProject({
      'warren.yaml': workerYaml({ queue: `hostile-doctor-${randomUUID().slice(0, 8)}` }).replace('log: { level: info, pretty: false }', `log: { level: "${LONG_URL}", pretty: false }`),
    });
    cleanup = project.cleanup;
    const doctor = await runWarren(['doctor'], project.dir);
    expect(doctor.code).toBe(2);
    expect(doctor.stdout + doctor.stderr).toContain('log.level');
    expect(doctor.stdout + doctor.stderr).toContain('amqp://app:***@');
    expect(doctor.stdout + doctor.stderr).not.toContain('correct-horse');
  });

  it('warren dlq list redacts a password in a dead letter body or error before cutting it to the column', async () => {
    fixture = await HostileFixture.start({ label: 'dlq-list', jobs: [OkJob] });
    fixture.channel.sendToQueue(fixture.dlq, Buffer.from(JSON.stringify({ broker: LONG_URL })), {
      type: 'hostile.ok', messageId: 'leaky-1', persistent: true,
      headers: { 'x-warren-dead-reason': 'attempts-exhausted', 'x-warren-error': `Error: cannot reach ${LONG_URL} (ECONNREFUSED)` },
    });
    await fixture.channel.waitForConfirms();
    const project = makeProject({ 'warren.yaml': workerYaml({ queue: fixture.queue }) });
    cleanup = project.cleanup;
    const list = await runWarren(['dlq', 'list', 'work'], project.dir);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('leaky-1');
    expect(list.stdout).toContain('amqp://app:***@');
    expect(list.stdout + list.stderr).not.toContain('correct-horse');
    expect(list.stdout + list.stderr).not.toMatch(/:guest@/);
  });
});
