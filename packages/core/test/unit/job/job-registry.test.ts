import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import { Job } from '../../../src/job/job-decorator.js';
import { getJobMetadata } from '../../../src/job/job-metadata.js';
import { JobRegistry, jobRegistry } from '../../../src/job/job-registry.js';
import { normalizeJobOptions } from '../../../src/job/normalize-job-options.js';
import type { JobClass, JobOptions } from '../../../src/job/job-types.js';
import { isWarrenError } from '../../../src/errors/warren-error.js';

class Valid {
  handle(): void {}
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('normalizeJobOptions', () => {
  it('applies the documented defaults', () => {
    const definition = normalizeJobOptions('a.b', Valid);
    expect(definition).toMatchObject({
      name: 'a.b', className: 'Valid', pipeline: 'default', attempts: 3, timeoutMs: undefined, priority: undefined,
      backoff: { type: 'exponential', delayMs: 1_000, maxMs: 300_000, jitter: 0.2 },
    });
  });

  it('converts durations to milliseconds', () => {
    const definition = normalizeJobOptions('a', Valid, { timeout: '30s', backoff: { type: 'fixed', delay: '500ms', max: '1m', jitter: 0 } });
    expect(definition.timeoutMs).toBe(30_000);
    expect(definition.backoff).toEqual({ type: 'fixed', delayMs: 500, maxMs: 60_000, jitter: 0 });
  });

  it.each<[string, unknown, JobClass, JobOptions, string]>([
    ['empty name', '', Valid, {}, 'non-empty string'],
    ['attempts < 1', 'a', Valid, { attempts: 0 }, 'attempts must be an integer >= 1'],
    ['fractional attempts', 'a', Valid, { attempts: 1.5 }, 'attempts must be an integer >= 1'],
    ['bad timeout', 'a', Valid, { timeout: '10 parsecs' as never }, 'timeout "10 parsecs" is not a positive duration'],
    ['bad backoff delay', 'a', Valid, { backoff: { type: 'fixed', delay: 'soon' as never } }, 'backoff.delay "soon" is not a duration'],
    ['bad backoff type', 'a', Valid, { backoff: { type: 'linear' as never, delay: '1s' } }, "backoff.type must be 'fixed' or 'exponential'"],
    ['jitter above 1', 'a', Valid, { backoff: { type: 'fixed', delay: '1s', jitter: 2 } }, 'jitter must be a number from 0 to 1'],
    ['backoff max over 7 days', 'a', Valid, { backoff: { type: 'exponential', delay: '1s', max: '169h' } }, 'backoff.max "169h" is longer than 7 days'],
    ['backoff delay over 7 days', 'a', Valid, { backoff: { type: 'fixed', delay: 604_800_001 } }, 'backoff.delay 604800001 is longer than 7 days'],
    ['class without handle()', 'a', class NoHandle {} as never, {}, 'no handle(payload, ctx) method'],
    ['schema without ~standard', 'a', Valid, { schema: {} as never }, 'Standard Schema'],
  ])('rejects %s with WARREN_ERR_JOB_INVALID saying what is wrong', (_title, name, cls, options, expected) => {
    const error = errorOf(() => normalizeJobOptions(name, cls, options));
    expect(isWarrenError(error, 'WARREN_ERR_JOB_INVALID')).toBe(true);
    expect((error as Error).message).toContain(expected);
  });
});

describe('@Job and JobRegistry', () => {
  it('records metadata and registers the class in the default registry', () => {
    @Job('registry-test.decorated', { pipeline: 'emails', timeout: '5s' })
    class Decorated {
      handle(): void {}
    }
    expect(getJobMetadata(Decorated)).toEqual({ name: 'registry-test.decorated', options: { pipeline: 'emails', timeout: '5s' } });
    expect(jobRegistry.get('registry-test.decorated').jobClass).toBe(Decorated);
    expect(jobRegistry.get(Decorated).pipeline).toBe('emails');
    expect(jobRegistry.list()).toContainEqual({ name: 'registry-test.decorated', className: 'Decorated', pipeline: 'emails', timeoutMs: 5_000 });
  });

  it('rejects a second class under a taken name, naming both classes', () => {
    @Job('registry-test.taken')
    class FirstClaimant {
      handle(): void {}
    }
    const error = errorOf(() => {
      @Job('registry-test.taken')
      class SecondClaimant {
        handle(): void {}
      }
      return SecondClaimant;
    });
    expect(isWarrenError(error, 'WARREN_ERR_JOB_DUPLICATE_NAME')).toBe(true);
    expect((error as Error).message).toContain('FirstClaimant');
    expect((error as Error).message).toContain('SecondClaimant');
    expect(jobRegistry.get('registry-test.taken').jobClass).toBe(FirstClaimant);
  });

  it('treats adding the same class twice as a no-op', () => {
    const registry = new JobRegistry();
    const Plain = Job('registry-test.twice')(class Plain { handle() {} });
    const first = registry.add(Plain);
    expect(registry.add(Plain)).toBe(first);
    expect(registry.size).toBe(1);
  });

  it('keeps isolated registries apart from the default one', () => {
    const registry = new JobRegistry();
    const Isolated = Job('registry-test.isolated', { pipeline: 'reports' })(class Isolated { handle() {} });
    registry.add(Isolated);
    expect(registry.names()).toEqual(['registry-test.isolated']);
    expect(registry.forPipeline('reports').map((d) => d.className)).toEqual(['Isolated']);
    expect(registry.remove('registry-test.isolated')).toBe(true);
    expect(registry.has(Isolated)).toBe(false);
  });

  it('fails to add a class without @Job metadata, and to get an unknown job', () => {
    const registry = new JobRegistry();
    expect(isWarrenError(errorOf(() => registry.add(Valid)), 'WARREN_ERR_JOB_INVALID')).toBe(true);
    const error = errorOf(() => registry.get('nope'));
    expect(isWarrenError(error, 'WARREN_ERR_JOB_NOT_FOUND')).toBe(true);
    expect((error as Error).message).toContain('"nope"');
  });

  it('does not register a class whose options are invalid', () => {
    const error = errorOf(() => Job('registry-test.invalid', { attempts: -1 })(class Bad { handle() {} }));
    expect(isWarrenError(error, 'WARREN_ERR_JOB_INVALID')).toBe(true);
    expect(jobRegistry.has('registry-test.invalid')).toBe(false);
  });
});
