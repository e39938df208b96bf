/*
 * Schedules on the memory driver run in-process: run() fires each tick as an ordinary job that the worker handles
 * (retries apply), stop() ends the schedule, and run({ schedules: false }) opts out. A jobs.schedules entry for a job
 * that is not loaded needs a pipeline (a config error before anything starts).
 */
import 'reflect-metadata';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Job, JobRegistry, Warren, createSilentLogger } from '../../../src/index.js';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
let warren: Warren | undefined;
afterEach(async () => {
  await warren?.close({ timeoutMs: 100 });
  warren = undefined;
  vi.useRealTimers();
});

let declared = 0;

async function start(config: object, attemptsSeen: string[], schedules?: boolean) {
  const registry = new JobRegistry();
  const name = declared++ === 0 ? 'every.second' : `every.second.${declared}`; // @Job also registers process-wide, once per name
  let failOnce = true;
  registry.add(Job(name, { schedule: '* * * * * *', attempts: 2, backoff: { type: 'fixed', delay: '100ms', jitter: 0 } })(class {
    handle(_payload: unknown, ctx: { id: string; attempt: number }) {
      attemptsSeen.push(`${ctx.id}#${ctx.attempt}`);
      if (failOnce) {
        failOnce = false;
        throw new Error('first attempt fails');
      }
    }
  }));
  warren = await Warren.fromConfig(config, { registry, loadModules: false, logger: createSilentLogger() });
  await warren.run(schedules === undefined ? {} : { schedules });
  return warren;
}

describe('Warren schedules on the memory driver', () => {
  it('fires each tick once in-process as an ordinary job, retried like any other, until stop()', async () => {
    vi.useFakeTimers({ now: T0 + 500 });
    const seen: string[] = [];
    const instance = await start({ version: 1 }, seen);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toEqual([
      'every.second@2026-01-01T00:00:01.000Z#1', 'every.second@2026-01-01T00:00:01.000Z#2', 'every.second@2026-01-01T00:00:02.000Z#1',
    ]);
    expect(instance.schedules()).toMatchObject([{ job: 'every.second', pipeline: 'default', nextRunMs: T0 + 3_000, lastFiredMs: T0 + 2_000 }]);
    await instance.stop({ timeoutMs: 100 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toHaveLength(3);
  });

  it('fires nothing with run({ schedules: false })', async () => {
    vi.useFakeTimers({ now: T0 + 500 });
    const seen: string[] = [];
    await start({ version: 1 }, seen, false);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toEqual([]);
  });

  it('refuses to start when jobs.schedules names a job that is not loaded and gives no pipeline', async () => {
    const seen: string[] = [];
    await expect(start({ version: 1, jobs: { schedules: { 'not.loaded': '0 * * * *' } } }, seen)).rejects.toMatchObject({
      code: 'WARREN_ERR_CONFIG_INVALID', message: expect.stringContaining('jobs.schedules["not.loaded"]: schedules job `not.loaded`'),
    });
  });
});
