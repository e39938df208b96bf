import { describe, expect, it } from 'vitest';
import { buildConfigSchema, DriverRegistry, loadConfig } from '../../../src/index.js';
import { fakeAmqpDriver, fakeMemoryDriver, fakeRegistry } from './fake-drivers.js';

describe('buildConfigSchema defaults', () => {
  it('fills every default from `version: 1` alone', () => {
    const config = buildConfigSchema(fakeRegistry()).parse({ version: 1 });
    expect(config).toEqual({
      version: 1,
      jobs: {
        modules: [], bootstrap: undefined, consume: ['default'], shutdownTimeoutMs: 30_000,
        pipelines: { default: { driver: 'memory', concurrency: 10, options: {}, rateLimit: undefined } },
        schedules: {},
      },
      http: { port: 9400, host: '0.0.0.0', enabled: true },
      log: { level: 'info', pretty: undefined },
      drivers: {},
      file: undefined,
    });
  });

  it('consumes every defined pipeline when consume is left out', () => {
    const config = buildConfigSchema(fakeRegistry()).parse({ version: 1, jobs: { pipelines: { a: {}, b: { concurrency: 2 } } } });
    expect(config.jobs.consume).toEqual(['a', 'b']);
    expect(config.jobs.pipelines.b?.concurrency).toBe(2);
  });

  it('converts durations, numeric strings and boolean strings from ${VAR} interpolation', () => {
    const config = buildConfigSchema(fakeRegistry()).parse({
      version: 1, jobs: { shutdown_timeout: '5m' }, http: { port: '8080', enabled: 'false' }, log: { pretty: 'true', level: 'debug' },
    });
    expect(config.jobs.shutdownTimeoutMs).toBe(300_000);
    expect(config.http).toEqual({ port: 8080, host: '0.0.0.0', enabled: false });
    expect(config.log).toEqual({ level: 'debug', pretty: true });
  });
});

describe('driver-owned schemas', () => {
  it("parses a pipeline's options with its driver's schema (defaults included)", () => {
    const config = buildConfigSchema(fakeRegistry()).parse({
      version: 1, jobs: { pipelines: { emails: { driver: 'amqp', options: { prefetch: 10, queue_type: 'quorum' } } } },
    });
    expect(config.jobs.pipelines.emails?.options).toEqual({ prefetch: 10, queue_type: 'quorum' });
  });

  it("applies a used driver's section defaults when the section is absent", () => {
    const config = buildConfigSchema(fakeRegistry()).parse({ version: 1, jobs: { pipelines: { emails: { driver: 'amqp' } } } });
    expect(config.drivers.amqp).toEqual({ urls: ['amqp://guest:guest@127.0.0.1:5672'], heartbeat: 30_000 });
  });

  it('leaves out the section of a driver no pipeline uses when it is absent', () => {
    expect(buildConfigSchema(fakeRegistry()).parse({ version: 1 }).drivers).toEqual({});
  });

  it('accepts, parses and warns about the section of a driver no pipeline uses', async () => {
    const result = await loadConfig({ version: 1, amqp: { heartbeat: '10s' } }, { registry: fakeRegistry(), env: {} });
    expect(result.config?.drivers.amqp).toEqual({ urls: ['amqp://guest:guest@127.0.0.1:5672'], heartbeat: 10_000 });
    expect(result.diagnostics).toEqual([expect.objectContaining({ severity: 'warning', code: 'WARREN_WRN_003', path: 'amqp' })]);
  });

  it('rejects a section for an unregistered driver with an install hint', async () => {
    const registry = new DriverRegistry().register(fakeMemoryDriver);
    const result = await loadConfig({ version: 1, amqp: { urls: [] } }, { registry, env: {} });
    expect(result.config).toBeUndefined();
    expect(result.diagnostics).toEqual([expect.objectContaining({ code: 'WARREN_ERR_DRIVER_NOT_FOUND', path: 'amqp' })]);
    expect(result.diagnostics[0]?.hint).toContain('@warren/amqp');
  });

  it('rejects a pipeline naming an unregistered driver, suggesting the closest one', async () => {
    const result = await loadConfig({ version: 1, jobs: { pipelines: { a: { driver: 'amqq' } } } }, { registry: fakeRegistry(), env: {} });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ code: 'WARREN_ERR_DRIVER_NOT_FOUND', path: 'jobs.pipelines.a.driver', hint: 'write driver: amqp' }),
    ]);
  });

  it('builds a schema for a registry without the memory driver', () => {
    const registry = new DriverRegistry().register(fakeAmqpDriver);
    expect(buildConfigSchema(registry).safeParse({ version: 1 }).success).toBe(false);
    expect(buildConfigSchema(registry).parse({ version: 1, jobs: { pipelines: { a: { driver: 'amqp' } } } }).jobs.consume).toEqual(['a']);
  });
});

describe('with the real memory driver in the default registry', () => {
  it('loads `version: 1` into one in-memory pipeline and rejects unknown memory options', async () => {
    const ok = await loadConfig({ version: 1 }, { env: {} });
    expect(ok.diagnostics).toEqual([]);
    expect(ok.config?.jobs.pipelines).toEqual({ default: { driver: 'memory', concurrency: 10, options: {} } });
    const bad = await loadConfig({ version: 1, jobs: { pipelines: { a: { options: { queue: 'q', tube: 'x' } } } } }, { env: {} });
    expect(bad.diagnostics).toEqual([
      expect.objectContaining({ code: 'WARREN_ERR_CONFIG_UNKNOWN_KEY', message: '`tube` is a beanstalk option; the memory driver has no such key' }),
    ]);
  });
});
