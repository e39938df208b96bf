import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { DriverRegistry, Job, JobRegistry, Warren, createSilentLogger, memoryDriver, type JobContext, type WarrenEventMap } from '../../../src/index.js';

@Job('shutdown.greet', { pipeline: 'main' })
class GreetJob {
  handle() {}
}

function isolated(...jobs: Function[]) {
  const registry = new JobRegistry();
  for (const job of jobs) registry.add(job as never);
  return { registry, drivers: new DriverRegistry().register(memoryDriver), logger: createSilentLogger() };
}

const baseConfig = { version: 1, jobs: { pipelines: { main: { driver: 'memory', concurrency: 2 } }, shutdown_timeout: '2s' }, http: { enabled: false } };

function nextEvent<E extends keyof WarrenEventMap>(warren: Warren, event: E): Promise<WarrenEventMap[E]> {
  return warren.events.once(event, { timeoutMs: 5_000 });
}

let warren: Warren | undefined;
afterEach(async () => {
  await warren?.close();
  warren = undefined;
});

describe('Warren shutdown', () => {
  it('lets forceClose() cut short a graceful close() that is still draining', async () => {
    let signal: AbortSignal | undefined;
    @Job('warren.stubborn', { pipeline: 'main' })
    class StubbornJob {
      handle(_payload: unknown, ctx: JobContext) {
        signal = ctx.signal;
        return new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      }
    }
    warren = await Warren.fromConfig(baseConfig, isolated(StubbornJob));
    await warren.run();
    const started = nextEvent(warren, 'job:started');
    await warren.dispatch(StubbornJob, {});
    await started;
    let succeeded = false;
    warren.events.on('job:succeeded', () => (succeeded = true));
    const graceful = warren.close({ timeoutMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(warren.state).toBe('stopping');
    const forced = warren.forceClose();
    expect(forced).toBe(graceful);
    await forced;
    expect(signal?.aborted).toBe(true);
    expect(succeeded).toBe(false);
    expect(warren.state).toBe('closed');
  });


  it('closes idempotently and refuses work afterwards', async () => {
    warren = await Warren.fromConfig(baseConfig, isolated(GreetJob));
    await warren.run();
    const first = warren.close();
    expect(warren.close()).toBe(first);
    await first;
    expect(warren.state).toBe('closed');
    await expect(warren.dispatch(GreetJob, { name: 'late' })).rejects.toMatchObject({ code: 'WARREN_ERR_WORKER_CLOSED' });
  });

  it.each([[{ timeout: '50ms' }], [{ timeoutMs: 50 }]] as const)('stop(%j) aborts and requeues what is still running at the deadline', async (options) => {
    let signal: AbortSignal | undefined;
    @Job(`shutdown.slow.${JSON.stringify(options)}`, { pipeline: 'main' })
    class SlowJob {
      handle(_payload: unknown, ctx: JobContext) {
        signal = ctx.signal;
        return new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
      }
    }
    warren = await Warren.fromConfig({ ...baseConfig, jobs: { ...baseConfig.jobs, shutdown_timeout: '60s' } }, isolated(SlowJob));
    await warren.run();
    const started = nextEvent(warren, 'job:started');
    await warren.dispatch(SlowJob, {});
    await started;
    await warren.stop(options);
    expect(signal?.aborted).toBe(true);
    expect(await warren.inspect('main')).toMatchObject({ ready: 1 });
  });
});
