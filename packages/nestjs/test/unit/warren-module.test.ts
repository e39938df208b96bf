import 'reflect-metadata';
import { Inject, Injectable, Module, Scope, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Job, isWarrenError, type JobContext } from '@warren/core';
import { afterEach, describe, expect, it } from 'vitest';
import { JOB_CONTEXT, WARREN, WarrenModule, WarrenService, type WarrenModuleOptions } from '../../src/index.js';

/** Two pipelines on the in-memory driver; each test consumes the one it needs. */
function config(consume: string[]) {
  return {
    version: 1,
    jobs: { consume, shutdown_timeout: '5s', pipelines: { work: { driver: 'memory', concurrency: 2 }, orphans: { driver: 'memory' } } },
    http: { enabled: false },
    log: { level: 'silent' },
  };
}

@Injectable()
class Counter {
  readonly seen: Array<{ id: string; handler: object; attempt: number; text: string; auditOf: string }> = [];
}

/** A request-scoped dependency: one per job, with that job's context. */
@Injectable({ scope: Scope.REQUEST })
class JobAudit {
  constructor(@Inject(JOB_CONTEXT) readonly ctx: JobContext) {}
}

@Injectable()
class Greeter {
  greet(name: string) {
    return `hello ${name}`;
  }
}

@Job('nest.unit.greet', { pipeline: 'work' })
class GreetJob {
  constructor(
    private readonly greeter: Greeter,
    private readonly counter: Counter,
    private readonly audit: JobAudit,
    @Inject(JOB_CONTEXT) private readonly ctx: JobContext,
  ) {}

  handle(payload: { name: string }) {
    const { ctx } = this;
    this.counter.seen.push({ id: ctx.id, handler: this, attempt: ctx.attempt, text: this.greeter.greet(payload.name), auditOf: this.audit.ctx.id });
  }
}

@Job('nest.unit.orphan', { pipeline: 'orphans' })
class OrphanJob {
  handle() {}
}

@Module({ providers: [Greeter, Counter, JobAudit, GreetJob], exports: [Counter] })
class GreetModule {}

let app: INestApplicationContext | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

async function start(warren: WarrenModuleOptions | 'async', consume = ['work']): Promise<INestApplicationContext> {
  const root = warren === 'async'
    ? WarrenModule.forRootAsync({ inject: [], useFactory: async () => ({ config: config(consume) }) })
    : WarrenModule.forRoot(warren);
  @Module({ imports: [root, GreetModule] })
  class AppModule {}
  app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  return app;
}

async function handled(counter: Counter, count: number): Promise<void> {
  for (let i = 0; i < 500 && counter.seen.length < count; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

describe('WarrenModule', () => {
  it.each(['forRoot', 'forRootAsync'] as const)('%s: dispatches through WarrenService; each job gets a fresh handler built with its module\'s providers', async (kind) => {
    const context = await start(kind === 'forRoot' ? { config: config(['work']) } : 'async');
    const warren = context.get(WarrenService);
    const ids = [await warren.dispatch(GreetJob, { name: 'ada' }), await warren.dispatch('nest.unit.greet', { name: 'alan' })];
    const counter = context.get(Counter);
    await handled(counter, 2);
    expect(counter.seen.map(({ id, text, attempt, auditOf }) => ({ id, text, attempt, auditOf }))).toEqual([
      { id: ids[0], text: 'hello ada', attempt: 1, auditOf: ids[0] },
      { id: ids[1], text: 'hello alan', attempt: 1, auditOf: ids[1] },
    ]);
    expect(counter.seen[0]?.handler).not.toBe(counter.seen[1]?.handler);
    expect(context.get(WARREN, { strict: false })).toBe(warren.warren);
  });

  it('refuses to start when a consumed job class is no Nest provider', async () => {
    const error = await start({ config: config(['orphans']) }).catch((caught: unknown) => caught);
    expect(isWarrenError(error, 'WARREN_ERR_DI_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toBe(`job class ${OrphanJob.name} is not a provider of any Nest module`);
    app = undefined;
  });

  it('with consume: false only dispatches; the job waits in its queue', async () => {
    const context = await start({ config: config(['work']), consume: false });
    const warren = context.get(WarrenService);
    await warren.dispatch(GreetJob, { name: 'grace' });
    expect(warren.warren.health().pipelines.find((p) => p.name === 'work')?.workerState).toBe('not-consumed');
    expect((await warren.warren.inspect('work')).ready).toBe(1);
  });

  it('closes Warren when the app closes', async () => {
    const context = await start({ config: config(['work']) });
    const { warren } = context.get(WarrenService);
    await context.close();
    app = undefined;
    expect(warren.state).toBe('closed');
  });
});
