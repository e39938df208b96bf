/*
 * Consumption breakers through the worker on the memory driver: the pipeline breaker pauses the consumer and resumes
 * it for one trial; a job's own breaker defers only that job (same attempt) while the pipeline's other jobs flow.
 */
import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DriverRegistry, Job, JobRegistry, Transient, Warren, createSilentLogger, memoryDriver, type JobContext, type WarrenEventMap,
} from '../../../src/index.js';

let isDown = true;
const attempts: Array<{ name: string; id: string; attempt: number }> = [];
const done = new Set<string>();

@Job('gate.sync', { pipeline: 'main', attempts: 10, backoff: { type: 'fixed', delay: '20ms', jitter: 0 } })
class SyncJob {
  handle(_payload: unknown, ctx: JobContext) {
    attempts.push({ name: ctx.name, id: ctx.id, attempt: ctx.attempt });
    if (isDown) throw new Transient('downstream down');
    done.add(ctx.id);
  }
}

@Job('gate.own', { pipeline: 'main', attempts: 10, backoff: { type: 'fixed', delay: '20ms', jitter: 0 }, breaker: { minJobs: 2, failureRate: 0.5, pause: '150ms' } })
class OwnBreakerJob {
  handle(_payload: unknown, ctx: JobContext) {
    attempts.push({ name: ctx.name, id: ctx.id, attempt: ctx.attempt });
    if (isDown) throw new Transient('payment API down');
    done.add(ctx.id);
  }
}

@Job('gate.other', { pipeline: 'main' })
class OtherJob {
  handle(_payload: unknown, ctx: JobContext) {
    done.add(ctx.id);
  }
}

let warren: Warren | undefined;

afterEach(async () => {
  await warren?.close();
  warren = undefined;
  attempts.length = 0;
  done.clear();
  isDown = true;
});

async function start(breaker: Record<string, unknown> | undefined): Promise<{ warren: Warren; events: string[] }> {
  const registry = new JobRegistry();
  for (const job of [SyncJob, OwnBreakerJob, OtherJob]) registry.add(job);
  const instance = await Warren.fromConfig({
    version: 1, jobs: { pipelines: { main: { driver: 'memory', concurrency: 2, ...(breaker ? { breaker } : {}) } } }, http: { enabled: false },
  }, { registry, drivers: new DriverRegistry().register(memoryDriver), logger: createSilentLogger() });
  const events: string[] = [];
  for (const event of ['breaker:open', 'breaker:half-open', 'breaker:close'] as const) {
    instance.events.on(event, (payload: WarrenEventMap[typeof event]) => events.push(`${event}${payload.job ? `(${payload.job})` : ''}`));
  }
  warren = instance;
  return { warren: instance, events };
}

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('consumption breakers in the worker', () => {
  it('pauses the pipeline, runs one trial per pause, and handles everything once the downstream is back', async () => {
    const { warren: w, events } = await start({ min_jobs: 4, failure_rate: 0.5, pause: '100ms', max_pause: '200ms' });
    await w.run();
    await w.dispatchMany(SyncJob, Array.from({ length: 30 }, () => ({})));
    await until(() => events.includes('breaker:half-open'), 'half-open');
    expect(w.health().ready).toBe(true); // held back on purpose: still ready
    expect(w.health().pipelines[0]?.breakers).toEqual({ pipeline: expect.stringMatching(/open|halfOpen/) });
    const failedWhileDown = attempts.length;
    isDown = false;
    await until(() => done.size === 30, 'all 30 handled');
    expect(events[0]).toBe('breaker:open');
    expect(events.at(-1)).toBe('breaker:close');
    expect(failedWhileDown).toBeLessThan(15); // 30 jobs × 10 attempts without it
    expect(Math.max(...attempts.map((a) => a.attempt))).toBeLessThanOrEqual(2);
  });

  it('defers only the job whose own breaker is open, without counting attempts, while other jobs flow', async () => {
    const { warren: w, events } = await start(undefined);
    await w.run();
    await w.dispatchMany(OwnBreakerJob, Array.from({ length: 10 }, () => ({})));
    await until(() => events.includes('breaker:open(gate.own)'), 'the job breaker to open');
    const others = await w.dispatchMany(OtherJob, [{}, {}, {}]);
    await until(() => others.every((id) => done.has(id)), 'the other jobs');
    const ownAttempts = attempts.filter((a) => a.name === 'gate.own').length;
    isDown = false;
    await until(() => done.size === 13, 'every job');
    expect(ownAttempts).toBeLessThan(6);
    expect(Math.max(...attempts.map((a) => a.attempt))).toBeLessThanOrEqual(2);
    expect(events).toContain('breaker:close(gate.own)');
  });
});
