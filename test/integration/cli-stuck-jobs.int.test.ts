/*
 * A handler without a timeout that never settles (issue 11, point 11), through the built binary against RabbitMQ:
 * `warren doctor` warns about the job (WARREN_WRN_006, exit 0), and `warren run` logs it as stuck once it has run for
 * half of amqp.consumer_timeout (2s here, so 1s), while a good job beside it is handled; SIGTERM still exits 0 and the
 * stuck job goes back to the queue. The queues are deleted at the end.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deletePipelineQueues } from '../support/pipeline-queues.js';
import {
  SLEEP_JOB_MODULE, eventually, makeProject, publishSleepJob, readyCount, runWarren, startWarren, uniqueName, withChannel, workerYaml,
} from './cli-harness.js';

const HANGING_JOB_MODULE = `
import { Job } from '@warren/core';
export class HangJob {
  handle() {
    return new Promise(() => {}); // never settles, and the job has no timeout
  }
}
Job('test.hang', { pipeline: 'work' })(HangJob);
`;

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a job that never settles', () => {
  it('is a doctor warning, and warren run logs it as stuck after half of consumer_timeout while other jobs go on', async () => {
    const queue = uniqueName('warren.cli.stuck');
    cleanups.push(() => deletePipelineQueues(queue));
    const yaml = workerYaml({ queue, shutdownTimeout: '1s' }).replace('  heartbeat: 2s\n', '  heartbeat: 2s\n  consumer_timeout: 2s\n');
    const { dir, cleanup } = makeProject({ 'warren.yaml': yaml, 'jobs/hang.js': HANGING_JOB_MODULE, 'jobs/sleep.js': SLEEP_JOB_MODULE });
    cleanups.push(cleanup);

    const doctor = await runWarren(['doctor'], dir);
    expect(doctor.code, doctor.stdout).toBe(0);
    expect(doctor.stdout).toMatch(/warn .*job `test\.hang` \(class HangJob\) has no timeout.*\(WARREN_WRN_006\)/);
    expect(doctor.stdout).not.toMatch(/job `test\.sleep`.*has no timeout/); // it has one (60s)

    const worker = startWarren(['run'], dir);
    cleanups.push(() => worker.kill());
    await worker.waitForLog((log) => typeof log.msg === 'string' && log.msg.startsWith('warren started'), 'the worker to start');
    await publishSleepJob(queue, 'good', 1); // beside it, a good job
    await withChannel((channel) => channel.sendToQueue(queue, Buffer.from('{}'), { type: 'test.hang', messageId: 'hang-1', persistent: true }));

    const stuck = await worker.waitForLog((log) => log.event === 'job.stuck', 'the stuck-job log line', 15_000);
    expect(stuck).toMatchObject({ level: 40, jobId: 'hang-1', job: 'test.hang', pipeline: 'work', stuckAfterMs: 1_000 });
    expect(stuck.runningForMs as number).toBeGreaterThanOrEqual(1_000);
    const ledger = join(dir, 'ledger.txt');
    await eventually(async () => (existsSync(ledger) ? readFileSync(ledger, 'utf8') : ''), (text) => text.includes('finished good'), 'the good job to run');
    expect(worker.logs().filter((log) => log.event === 'job.stuck')).toHaveLength(1);

    worker.child.kill('SIGTERM');
    expect(await worker.exitCode(20_000)).toBe(0);
    await eventually(() => readyCount(queue), (count) => count === 1, 'the stuck job to be back in the queue');
  });
});
