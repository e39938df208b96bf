import 'reflect-metadata';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { inject, injectable } from 'tsyringe';
import {
  DriverRegistry, JOB_CONTEXT, createLogger, Job, JobRegistry, Unrecoverable, Warren, WarrenError, createSilentLogger,
  isWarrenError, memoryDriver, type JobContext, type WarrenEventMap,
} from '../../../src/index.js';

const handled: Array<{ name: string; payload: unknown; attempt: number }> = [];

@injectable()
class Greeter {
  greet(name: string) {
    return `hello ${name}`;
  }
}

@Job('warren.greet', { pipeline: 'main' })
class GreetJob {
  constructor(private readonly greeter: Greeter) {}
  handle(payload: { name: string }, ctx: JobContext) {
    handled.push({ name: ctx.name, payload: this.greeter.greet(payload.name), attempt: ctx.attempt });
  }
}

@Job('warren.typed', { pipeline: 'main', schema: z.object({ userId: z.string() }) })
class TypedJob {
  handle(payload: { userId: string }) {
    handled.push({ name: 'warren.typed', payload, attempt: 1 });
  }
}

@Job('warren.broken', { pipeline: 'main', attempts: 4 })
class BrokenJob {
  handle() {
    throw new Unrecoverable('cannot ever work');
  }
}

@Job('warren.elsewhere', { pipeline: 'missing' })
class ElsewhereJob {
  handle() {}
}

function isolated(...jobs: Function[]) {
  const registry = new JobRegistry();
  for (const job of jobs) registry.add(job as never);
  return { registry, drivers: new DriverRegistry().register(memoryDriver), logger: createSilentLogger() };
}

const baseConfig = {
  version: 1,
  jobs: { pipelines: { main: { driver: 'memory', concurrency: 2 } }, shutdown_timeout: '2s' },
  http: { enabled: false },
};

function nextEvent<E extends keyof WarrenEventMap>(warren: Warren, event: E, count = 1): Promise<Array<WarrenEventMap[E]>> {
  const seen: Array<WarrenEventMap[E]> = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${count} × ${event}`)), 5_000);
    const off = warren.events.on(event, (payload) => {
      seen.push(payload);
      if (seen.length === count) {
        clearTimeout(timer);
        off();
        resolve(seen);
      }
    });
  });
}

let warren: Warren | undefined;
afterEach(async () => {
  await warren?.close();
  warren = undefined;
  handled.length = 0;
});

describe('Warren', () => {
  it('dispatches by class and by name and runs handlers with injected dependencies', async () => {
    warren = await Warren.fromConfig(baseConfig, isolated(GreetJob));
    await warren.run();
    const done = nextEvent(warren, 'job:succeeded', 2);
    const id = await warren.dispatch(GreetJob, { name: 'ada' });
    await warren.dispatch('warren.greet', { name: 'alan' });
    await done;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(handled.map((h) => h.payload).sort()).toEqual(['hello ada', 'hello alan']);
  });

  it('dispatches many payloads of one job at once, ids in order', async () => {
    warren = await Warren.fromConfig(baseConfig, isolated(GreetJob));
    await warren.run();
    const done = nextEvent(warren, 'job:succeeded', 3);
    const ids = await warren.dispatchMany(GreetJob, [{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    expect(new Set(ids).size).toBe(3);
    expect((await done).map((e) => e.job.id).sort()).toEqual([...ids].sort());
    expect(handled.map((h) => h.payload).sort()).toEqual(['hello a', 'hello b', 'hello c']);
  });

  it('uses the id a producer chose', async () => {
    warren = await Warren.fromConfig(baseConfig, isolated(GreetJob));
    await warren.run();
    const done = nextEvent(warren, 'job:succeeded');
    expect(await warren.dispatch(GreetJob, { name: 'x' }, { id: 'order-42' })).toBe('order-42');
    expect((await done)[0]!.job.id).toBe('order-42');
  });

  it('rejects an invalid payload at dispatch when the job has a schema', async () => {
    warren = await Warren.fromConfig(baseConfig, isolated(TypedJob));
    const error = await warren.dispatch('warren.typed', { userId: 42 }).catch((e: unknown) => e);
    expect(isWarrenError(error, 'WARREN_ERR_JOB_PAYLOAD_INVALID')).toBe(true);
    expect((error as Error).message).toMatch(/userId/);
  });

  it('refuses to dispatch a name it cannot route, unless given a pipeline', async () => {
    warren = await Warren.fromConfig(baseConfig, isolated());
    await expect(warren.dispatch('nobody.knows', {})).rejects.toMatchObject({ code: 'WARREN_ERR_JOB_NOT_FOUND' });
    await expect(warren.dispatch('nobody.knows', {}, { pipeline: 'main' })).resolves.toEqual(expect.any(String));
    expect(await warren.inspect('main')).toMatchObject({ ready: 1 });
  });

  it('delays a dispatch', async () => {
    warren = await Warren.fromConfig(baseConfig, isolated(GreetJob));
    await warren.run();
    const started = Date.now();
    const done = nextEvent(warren, 'job:succeeded');
    await warren.dispatch(GreetJob, { name: 'later' }, { delay: '300ms' });
    await done;
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('dead-letters an unrecoverable job and replays it with attempts reset', async () => {
    warren = await Warren.fromConfig(baseConfig, isolated(BrokenJob));
    await warren.run();
    const dead = nextEvent(warren, 'job:deadLettered');
    await warren.dispatch(BrokenJob, {});
    expect((await dead)[0]!.reason).toBe('unrecoverable');
    const [letter] = await warren.peekDeadLetters('main');
    expect(letter!.properties.headers['x-warren-dead-reason']).toBe('unrecoverable');

    const again = nextEvent(warren, 'job:deadLettered');
    const started = nextEvent(warren, 'job:started');
    expect(await warren.replayDeadLetters('main')).toBe(1);
    expect((await started)[0]!.job.attempt).toBe(1);
    await again;
    expect(await warren.purgeDeadLetters('main')).toBe(1);
  });

  it('refuses a config with errors before starting anything, naming every problem', async () => {
    const bad = { version: 1, jobs: { consume: ['widgets'], pipelines: { main: { driver: 'memory', concurrency: 0, reserve_timeout: 5 } } } };
    const error = await Warren.fromConfig(bad, isolated()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WarrenError);
    expect((error as WarrenError).code).toBe('WARREN_ERR_CONFIG_INVALID');
    expect((error as Error).message).toMatch(/widgets/);
    expect((error as Error).message).toMatch(/reserve_timeout/);
  });

  it('refuses a job bound to a pipeline that does not exist', async () => {
    const error = await Warren.fromConfig(baseConfig, isolated(ElsewhereJob)).catch((e: unknown) => e);
    expect((error as WarrenError).code).toBe('WARREN_ERR_CONFIG_INVALID');
    expect((error as Error).message).toMatch(/ElsewhereJob/);
    expect((error as Error).message).toMatch(/missing/);
  });

  it('logs config warnings once per process, however many instances load the config', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
    const config = { version: 1, jobs: { pipelines: { lonely: { driver: 'memory' } } }, http: { enabled: false } };
    for (let i = 0; i < 2; i += 1) {
      const instance = await Warren.fromConfig(config, { ...isolated(), logger });
      await instance.close();
    }
    const warnings = lines.map((line) => JSON.parse(line) as { code?: string; path?: string }).filter((entry) => entry.code === 'WARREN_WRN_001');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.path).toBe('jobs.pipelines.lonely');
  });

  it('skips job-binding checks when it loads no modules and knows no jobs (e.g. warren status)', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', destination: { write: (line: string) => void lines.push(line) } });
    const config = { version: 1, jobs: { pipelines: { observed: { driver: 'memory' } } }, http: { enabled: false } };
    const instance = await Warren.fromConfig(config, { ...isolated(), logger, loadModules: false });
    await instance.close();
    expect(lines.filter((line) => line.includes('WARREN_WRN_001'))).toEqual([]);
  });

  it('is ready only while running and consuming', async () => {
    warren = await Warren.fromConfig(baseConfig, isolated(GreetJob));
    expect(warren.health()).toMatchObject({ live: true, ready: false });
    await warren.run();
    expect(warren.health()).toMatchObject({ live: true, ready: true, reasons: [] });
    expect(warren.health().pipelines).toEqual([{ name: 'main', driver: 'memory', workerState: 'running', consuming: true, inFlight: 0, breakers: {}, rateLimitWaitedMs: 0, rateLimited: 0 }]);
    await warren.stop();
    expect(warren.health().ready).toBe(false);
  });

  it('injects the job context into dependencies', async () => {
    const seen: string[] = [];
    @injectable()
    class Audit {
      constructor(@inject(JOB_CONTEXT) readonly ctx: JobContext) {}
    }
    @Job('warren.audited', { pipeline: 'main' })
    class AuditedJob {
      constructor(private readonly audit: Audit) {}
      handle() {
        seen.push(this.audit.ctx.name);
      }
    }
    warren = await Warren.fromConfig(baseConfig, isolated(AuditedJob));
    await warren.run();
    const done = nextEvent(warren, 'job:succeeded');
    await warren.dispatch(AuditedJob, {});
    await done;
    expect(seen).toEqual(['warren.audited']);
  });

  it('runs a plain JavaScript job declared with Job(...)(class)', async () => {
    class Dependency {
      value = 7;
    }
    const results: number[] = [];
    const PlainJob = Job('warren.plain', { pipeline: 'main', inject: [Dependency] })(
      class {
        dep: Dependency;
        constructor(dep: Dependency) {
          this.dep = dep;
        }
        handle(payload: { n: number }) {
          results.push(payload.n * this.dep.value);
        }
      },
    );
    warren = await Warren.fromConfig(baseConfig, isolated(PlainJob));
    await warren.run();
    const done = nextEvent(warren, 'job:succeeded');
    await warren.dispatch('warren.plain', { n: 6 });
    await done;
    expect(results).toEqual([42]);
  });

});
