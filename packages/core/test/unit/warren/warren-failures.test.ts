import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BrokerUnavailable, DriverRegistry, Job, JobRegistry, MemoryDriver, Warren, WarrenError, createSilentLogger, type DriverDefinition, type MemoryPipelineOptions,
  type JobContext, type WarrenEventMap,
} from '../../../src/index.js';
import { memoryPipelineOptionsSchema } from '../../../src/drivers/memory/memory-driver-options.js';

@Job('failures.echo', { pipeline: 'main' })
class EchoJob {
  handle() {}
}

@Job('failures.stubborn', { pipeline: 'main' })
class StubbornJob {
  handle(_payload: unknown, ctx: JobContext) {
    return new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve()));
  }
}

/** The memory driver, except that it refuses payloads containing "refuse" and consumers of pipeline "broken". */
const flakyMemory: DriverDefinition<MemoryPipelineOptions> = {
  name: 'flaky',
  optionsSchema: memoryPipelineOptionsSchema,
  create: (context) => {
    const driver = new MemoryDriver({ pipelines: context.pipelines, logger: context.logger });
    const publish = driver.publish.bind(driver);
    const consume = driver.consume.bind(driver);
    driver.publish = async (pipeline, message, options) => {
      if (message.body.toString().includes('refuse')) throw new BrokerUnavailable('outbox full');
      return publish(pipeline, message, options);
    };
    driver.consume = async (pipeline, options) => {
      if (pipeline === 'broken') throw new WarrenError('WARREN_ERR_DRIVER_UNAVAILABLE', 'cannot subscribe');
      return consume(pipeline, options);
    };
    return driver;
  },
};

function setup(pipelines: Record<string, object>, ...jobs: Function[]) {
  const registry = new JobRegistry();
  for (const job of jobs) registry.add(job as never);
  return {
    config: { version: 1, jobs: { pipelines, shutdown_timeout: '60s' }, http: { enabled: false } },
    options: { registry, drivers: new DriverRegistry().register(flakyMemory), logger: createSilentLogger() },
  };
}

let warren: Warren | undefined;
afterEach(async () => {
  await warren?.forceClose();
  warren = undefined;
});

describe('Warren when things fail', () => {
  it('says which jobs of a dispatchMany were published when some were not', async () => {
    const { config, options } = setup({ main: { driver: 'flaky' } }, EchoJob);
    warren = await Warren.fromConfig(config, options);
    const error = await warren
      .dispatchMany([
        { job: EchoJob, payload: { n: 1 } },
        { job: EchoJob, payload: { n: 'refuse' } },
        { job: 'failures.echo', payload: { n: 3 } },
      ])
      .catch((e: unknown) => e as WarrenError);
    expect(error).toBeInstanceOf(WarrenError);
    expect((error as WarrenError).code).toBe('WARREN_ERR_JOB_DISPATCH_PARTIAL');
    const details = (error as WarrenError).details as { published: Array<{ index: number }>; failed: Array<{ index: number; error: unknown }> };
    expect(details.published.map((p) => p.index)).toEqual([0, 2]);
    expect(details.failed.map((f) => f.index)).toEqual([1]);
    expect(details.failed[0]!.error).toBeInstanceOf(BrokerUnavailable);
    expect(await warren.inspect('main')).toMatchObject({ ready: 2 });
  });

  it('refuses a dispatch delay over 7 days with WARREN_ERR_JOB_INVALID and publishes nothing', async () => {
    const { config, options } = setup({ main: { driver: 'flaky' } }, EchoJob);
    warren = await Warren.fromConfig(config, options);
    await expect(warren.dispatch(EchoJob, { n: 'too late' }, { delay: '169h' })).rejects.toMatchObject({
      code: 'WARREN_ERR_JOB_INVALID', message: expect.stringContaining('longer than 7 days'),
    });
    await expect(warren.dispatch(EchoJob, { n: 'just in time' }, { delay: '168h' })).resolves.toEqual(expect.any(String));
    expect(await warren.inspect('main')).toMatchObject({ ready: 0, delayed: 1 });
  });

  it('stops the workers that started when another cannot subscribe, and can run again', async () => {
    const { config, options } = setup({ main: { driver: 'flaky' }, broken: { driver: 'flaky' } }, EchoJob);
    warren = await Warren.fromConfig(config, options);
    await expect(warren.run()).rejects.toMatchObject({ message: 'cannot subscribe' });
    expect(warren.state).toBe('stopped');
    expect(warren.health().pipelines.find((p) => p.name === 'main')).toMatchObject({ consuming: false });
    await warren.run({ pipelines: ['main'] });
    expect(warren.health().ready).toBe(true);
  });

  it('lets forceClose() cut short a stop() that is still draining', async () => {
    const { config, options } = setup({ main: { driver: 'flaky' } }, StubbornJob);
    warren = await Warren.fromConfig(config, options);
    await warren.run();
    const started = warren.events.once('job:started', { timeoutMs: 5_000 });
    await warren.dispatch(StubbornJob, {});
    await started;
    const stopping = warren.stop();
    await warren.forceClose();
    await stopping;
    expect(warren.state).toBe('closed');
  });

  it('announces every state change as warren:state', async () => {
    const { config, options } = setup({ main: { driver: 'flaky' } }, EchoJob);
    warren = await Warren.fromConfig(config, options);
    const changes: Array<WarrenEventMap['warren:state']> = [];
    warren.events.on('warren:state', (change) => changes.push(change));
    await warren.run();
    await warren.close();
    expect(changes.map((c) => `${c.from}→${c.to}`)).toEqual(['ready→running', 'running→stopping', 'stopping→closing', 'closing→closed']);
  });
});
