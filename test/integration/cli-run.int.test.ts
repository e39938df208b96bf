/*
 * `warren run` against RabbitMQ, through the built binary: a SIGTERM drains in-flight jobs and exits
 * 0; a job longer than shutdown_timeout is requeued and finished by the next worker; a second SIGINT
 * forces exit 130 without acking. Each test uses its own queue and deletes it.
 */
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  SLEEP_JOB_MODULE, WarrenProcess, deleteQueues, eventually, makeProject, publishSleepJob, readyCount, startWarren, startedPort, uniqueName, workerYaml,
} from './cli-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function project(options: { shutdownTimeout: string }) {
  const queue = uniqueName('warren.cli.run');
  const { dir, cleanup } = makeProject({ 'warren.yaml': workerYaml({ queue, ...options }), 'jobs/sleep.js': SLEEP_JOB_MODULE });
  cleanups.push(cleanup, () => deleteQueues(queue, `${queue}.dlq`));
  return { dir, queue };
}

function worker(dir: string): WarrenProcess {
  const process = startWarren(['run'], dir);
  cleanups.push(() => process.kill());
  return process;
}

function ledger(dir: string): string[] {
  const file = join(dir, 'ledger.txt');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

const count = (lines: string[], word: string) => lines.filter((line) => line.startsWith(`${word} `)).length;

describe('warren run', () => {
  it('finishes in-flight jobs on SIGTERM, loses none and exits 0', async () => {
    const { dir, queue } = project({ shutdownTimeout: '20s' });
    const first = worker(dir);
    await startedPort(first);
    for (const tag of ['a', 'b', 'c']) await publishSleepJob(queue, tag, 1_500);
    await eventually(async () => count(ledger(dir), 'started'), (n) => n === 3, 'three jobs to start');

    first.child.kill('SIGTERM');
    expect(await first.exitCode()).toBe(0);
    expect(count(ledger(dir), 'finished')).toBe(3);
    expect(await readyCount(queue)).toBe(0);
    // Quiet by default: at info a start and a stop are these lines (what the broker does, e.g. a redial, aside).
    const info = first.logs().filter((log) => log.level === 30 && !String(log.event ?? '').startsWith('amqp.')).map((log) => log.msg);
    expect(info).toEqual([
      'pipeline "work" consuming (concurrency 5)',
      expect.stringMatching(/^warren started: work \(amqp ×5, 1 handler\); health\/metrics on /),
      'SIGTERM: draining in-flight jobs (send it again to force exit)',
      'pipeline "work" stopped (drained)',
      'warren stopped cleanly',
    ]);
  });

  it('requeues a job longer than shutdown_timeout, and the next worker handles it', async () => {
    const { dir, queue } = project({ shutdownTimeout: '1s' });
    const first = worker(dir);
    await startedPort(first);
    await publishSleepJob(queue, 'long', 4_000);
    await eventually(async () => count(ledger(dir), 'started'), (n) => n === 1, 'the long job to start');

    first.child.kill('SIGTERM');
    expect(await first.exitCode()).toBe(0);
    expect(count(ledger(dir), 'finished')).toBe(0);
    expect(await readyCount(queue)).toBe(1);

    const second = worker(dir);
    await eventually(async () => ledger(dir), (lines) => count(lines, 'finished') === 1, 'the next worker to finish the job', 30_000);
    expect(ledger(dir).at(-1)).toBe(`finished long ${second.child.pid}`);
    second.child.kill('SIGTERM');
    expect(await second.exitCode()).toBe(0);
  });

  it('exits at once with 130 on a second SIGINT, leaving the unfinished job in the queue', async () => {
    const { dir, queue } = project({ shutdownTimeout: '60s' });
    const first = worker(dir);
    await startedPort(first);
    await publishSleepJob(queue, 'stuck', 60_000);
    await eventually(async () => count(ledger(dir), 'started'), (n) => n === 1, 'the job to start');

    first.child.kill('SIGINT');
    await first.waitForLog((log) => typeof log.msg === 'string' && log.msg.startsWith('SIGINT: draining'), 'the drain to begin');
    first.child.kill('SIGINT');
    expect(await first.exitCode(10_000)).toBe(130);
    expect(count(ledger(dir), 'finished')).toBe(0);
    await eventually(() => readyCount(queue), (n) => n === 1, 'the job to be back in the queue');
  });
});
