/*
 * examples/nestjs against the real broker: a Nest app whose @Job class is a Nest provider of a
 * feature module (its dependency a plain provider of that module), dispatched through
 * WarrenService, handled, and drained on shutdown — by app.close() in this process, and by
 * SIGTERM through enableShutdownHooks in the example's own process (exit 0).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import amqplib from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, SendWelcomeJob, SentWelcomes } from '../../examples/nestjs/dist/index.js';
import { WarrenService } from '../../packages/nestjs/dist/index.js';
import { deletePipelineQueues, TEST_AMQP_URL, uniqueQueueName } from '../support/pipeline-queues.js';
import { withDeadline } from '../support/with-deadline.js';

const exampleMain = fileURLToPath(new URL('../../examples/nestjs/dist/main.js', import.meta.url));
const queues: string[] = [];
afterAll(() => deletePipelineQueues(...queues));

/** A queue of this test's own for the example's `welcome` pipeline (warren.yaml reads WARREN_NEST_QUEUE). */
function ownQueue(): string {
  const queue = uniqueQueueName('nestjs-example');
  queues.push(queue);
  return queue;
}

async function messageCount(queue: string): Promise<{ messageCount: number; consumerCount: number }> {
  const connection = await amqplib.connect(TEST_AMQP_URL);
  connection.on('error', () => undefined); // a broker going away fails the call below instead
  try {
    return await (await connection.createChannel()).checkQueue(queue);
  } finally {
    await connection.close();
  }
}

describe('examples/nestjs', () => {
  it('handles jobs dispatched through WarrenService with Nest-provided dependencies; app.close() drains a running job', async () => {
    process.env.WARREN_NEST_QUEUE = ownQueue();
    process.env.AMQP_URL = TEST_AMQP_URL;
    const app = await createApp();
    let isClosed = false;
    try {
      const warren = app.get(WarrenService);
      const sent = app.get(SentWelcomes);
      // A lost connection (the shared broker restarted by another test) makes redeliveries legitimate: say so if it fails.
      const driverStates: string[] = [];
      warren.warren.events.on('driver:state', ({ to }) => void driverStates.push(to));
      const ids = [await warren.dispatch(SendWelcomeJob, { userId: 'u-1', name: 'Ada' }), await warren.dispatch(SendWelcomeJob, { userId: 'u-2', name: 'Alan' })];
      const welcomes = await withDeadline(sent.waitFor(ids), 20_000, 'both welcomes to be handled');
      expect(welcomes.map(({ jobId, userId, text, attempt }) => ({ jobId, userId, text, attempt }))).toEqual([
        { jobId: ids[0], userId: 'u-1', text: 'Welcome, Ada!', attempt: 1 },
        { jobId: ids[1], userId: 'u-2', text: 'Welcome, Alan!', attempt: 1 },
      ]);
      expect(welcomes[0]?.handler).not.toBe(welcomes[1]?.handler); // a fresh job instance per job

      const started = new Promise<string>((resolve) => warren.warren.events.on('job:started', ({ job }) => resolve(job.id)));
      const slowId = await warren.dispatch(SendWelcomeJob, { userId: 'u-3', name: 'Grace', workMs: 1_000 });
      expect(await withDeadline(started, 20_000, 'the slow job to start')).toBe(slowId);
      await app.close();
      isClosed = true;
      // close() resolved only after the running job finished and was acked.
      expect(sent.sent.map((welcome) => welcome.jobId)).toContain(slowId);
      expect(warren.warren.state).toBe('closed');
      expect(await messageCount(process.env.WARREN_NEST_QUEUE), `driver states: ${driverStates.join(', ')}`).toEqual(expect.objectContaining({ messageCount: 0, consumerCount: 0 }));
    } finally {
      if (!isClosed) await app.close();
      delete process.env.WARREN_NEST_QUEUE;
      delete process.env.AMQP_URL;
    }
  });

  it('runs as its own process; on SIGTERM (enableShutdownHooks) it finishes the running job and exits 0', async () => {
    const queue = ownQueue();
    const child = spawn(process.execPath, [exampleMain, '--slow', '1000'], { env: { ...process.env, WARREN_NEST_QUEUE: queue, AMQP_URL: TEST_AMQP_URL }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      await withDeadline(new Promise<void>((resolve) => {
        const check = () => (stdout.includes('waiting for SIGTERM') ? resolve() : setTimeout(check, 50));
        check();
      }), 30_000, 'the example to dispatch its slow job');
      child.kill('SIGTERM');
      expect(await withDeadline(exited, 20_000, 'the example to exit')).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
    expect(stderr).toBe('');
    const lines = stdout.trim().split('\n');
    expect(lines[0]).toBe('Warren NestJS example');
    expect(lines.filter((line) => /^ {2}✔ users\.welcome [0-9a-f-]{36} for u-\d: Welcome, \w+!$/.test(line))).toHaveLength(3);
    // The slow job's line comes after the signal was sent: shutdown waited for it.
    expect(lines.at(-1)).toMatch(/✔ users\.welcome .* for u-3: Welcome, Grace!$/);
    expect(await messageCount(queue), stdout).toEqual(expect.objectContaining({ messageCount: 0, consumerCount: 0 }));
  });
});
