import 'reflect-metadata';
import { container, inject } from 'tsyringe';
import { describe, expect, it } from 'vitest';
import {
  DriverRegistry, Job, JobRegistry, MemoryDriver, Warren, createSilentLogger, type DriverDefinition, type MemoryPipelineOptions, type WarrenError,
} from '../../../src/index.js';
import { isMissingDecoratorMetadata } from '../../../src/di/decorator-metadata-check.js';
import { memoryPipelineOptionsSchema } from '../../../src/drivers/memory/memory-driver-options.js';

class Greeting {
  readonly text = 'hello';
}

// Wrapping a class expression by hand, as `tsc` without emitDecoratorMetadata leaves it: no design:paramtypes.
const WithoutMetadata = Job('metadata.without', { pipeline: 'main' })(class WithDep {
  constructor(readonly greeting: Greeting) {}
  handle() {}
});

@Job('metadata.with', { pipeline: 'main' })
class WithMetadata {
  constructor(readonly greeting: Greeting) {}
  handle() {}
}

const WithInjectOption = Job('metadata.inject-option', { pipeline: 'main', inject: [Greeting] })(class InjectOption {
  constructor(readonly greeting: Greeting) {}
  handle() {}
});

class ParamTokens {
  constructor(@inject('Greeting') readonly greeting: Greeting) {}
  handle() {}
}
// The parameter decorator makes the compiler emit design:paramtypes; without the flag only the token is left.
Reflect.deleteMetadata('design:paramtypes', ParamTokens);
const WithParamTokens = Job('metadata.param-tokens', { pipeline: 'main' })(ParamTokens);

const Paramless = Job('metadata.paramless', { pipeline: 'main' })(class NoParams {
  handle() {}
});

@Job('metadata.unregistered', { pipeline: 'main', attempts: 2, backoff: { type: 'fixed', delay: '1ms' } })
class NeedsUnregistered {
  constructor(@inject('NotRegistered') readonly missing: unknown) {}
  handle() {}
}

let created = 0;
const countingMemory: DriverDefinition<MemoryPipelineOptions> = {
  name: 'counting',
  optionsSchema: memoryPipelineOptionsSchema,
  create: (context) => {
    created += 1;
    return new MemoryDriver({ pipelines: context.pipelines, logger: context.logger });
  },
};

function fromConfig(...jobs: Function[]): Promise<Warren> {
  const registry = new JobRegistry();
  for (const job of jobs) registry.add(job as never);
  return Warren.fromConfig(
    { version: 1, jobs: { pipelines: { main: { driver: 'counting' } } }, http: { enabled: false } },
    { registry, drivers: new DriverRegistry().register(countingMemory), logger: createSilentLogger(), loadModules: false },
  );
}

describe('decorator metadata check', () => {
  it.each([
    ['constructor parameters without design:paramtypes', WithoutMetadata, true],
    ['emitted design:paramtypes', WithMetadata, false],
    ["@Job's inject option", WithInjectOption, false],
    ['an @inject token on every parameter', WithParamTokens, false],
    ['no constructor parameters', Paramless, false],
  ])('reports a class with %s as missing metadata: %s', (_label, jobClass, isMissing) => {
    expect(isMissingDecoratorMetadata(jobClass)).toBe(isMissing);
  });

  it('makes Warren.fromConfig reject, before any driver exists, naming the class and both tsconfig flags', async () => {
    created = 0;
    const error = (await fromConfig(WithMetadata, WithoutMetadata).catch((e: unknown) => e)) as WarrenError;
    expect(error.code).toBe('WARREN_ERR_DI_METADATA_MISSING');
    expect(error.message).toContain('WithDep (metadata.without)');
    expect(error.message).not.toContain('WithMetadata');
    expect(error.hint).toContain('"experimentalDecorators": true');
    expect(error.hint).toContain('"emitDecoratorMetadata": true');
    expect(error.retryable).toBe(false);
    expect(created).toBe(0);
  });

  it('retries a job whose dependency is unregistered, and says so in the error it reports', async () => {
    expect(container.isRegistered('NotRegistered', true)).toBe(false);
    const warren = await fromConfig(NeedsUnregistered);
    try {
      await warren.run();
      const failed = warren.events.once('job:failed', { timeoutMs: 5_000 });
      await warren.dispatch(NeedsUnregistered, {});
      const { error, retryInMs } = await failed;
      expect(error).toMatchObject({ code: 'WARREN_ERR_DI_UNAVAILABLE', retryable: true });
      expect(retryInMs).toEqual(expect.any(Number));
    } finally {
      await warren.close();
    }
  });
});
