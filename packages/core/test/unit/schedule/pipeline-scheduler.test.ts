/*
 * PipelineScheduler with a fake lease and fake time: fires each tick once while it holds the lease, with the tick's
 * deterministic id; stops at once when the lease is lost; on takeover fires the latest missed tick once (catch_up
 * latest) or none (catch_up none), and never a tick that was recorded already.
 */
import 'reflect-metadata';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Driver } from '../../../src/driver/driver.js';
import type { SchedulerLease, SchedulerLeaseEventMap } from '../../../src/driver/scheduler-lease.js';
import type { WireMessage } from '../../../src/driver/wire-message.js';
import { TypedEmitter } from '../../../src/events/typed-emitter.js';
import type { WarrenEventMap } from '../../../src/events/warren-events.js';
import { JobRegistry } from '../../../src/job/job-registry.js';
import { createSilentLogger } from '../../../src/logging/logger.js';
import { PipelineScheduler } from '../../../src/schedule/pipeline-scheduler.js';
import type { CatchUp } from '../../../src/schedule/schedule-types.js';

class FakeLease implements SchedulerLease {
  readonly pipeline = 'ticks';
  readonly events = new TypedEmitter<SchedulerLeaseEventMap>();
  isHeld = false;
  /** What the broker recorded as each job's last tick. */
  readonly recorded = new Map<string, number>();
  readonly dispatched: WireMessage[] = [];
  acquire(): void {
    this.isHeld = true;
    this.events.emit('lease:acquired', { pipeline: this.pipeline });
  }
  lose(): void {
    this.isHeld = false;
    this.events.emit('lease:lost', { pipeline: this.pipeline, reason: 'test' });
  }
  async lastTick(job: string) { return this.recorded.get(job); }
  async dispatchTick(job: string, tickMs: number, message: WireMessage) {
    this.dispatched.push(message);
    this.recorded.set(job, tickMs);
  }
  async release() { this.isHeld = false; }
}

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
let scheduler: PipelineScheduler | undefined;
afterEach(async () => {
  await scheduler?.close();
  scheduler = undefined;
  vi.useRealTimers();
});

async function startScheduler(lease: FakeLease, catchUp: CatchUp = 'latest') {
  const events = new TypedEmitter<WarrenEventMap>();
  const fired: Array<{ id: string; isCatchUp: boolean }> = [];
  events.on('schedule:fired', ({ id, isCatchUp }) => fired.push({ id, isCatchUp }));
  const driver = { openSchedulerLease: async () => lease } as unknown as Driver;
  scheduler = new PipelineScheduler({
    pipeline: 'ticks', driver, registry: new JobRegistry(), logger: createSilentLogger(), events,
    schedules: [{ job: 'tick', pipeline: 'ticks', cron: '* * * * * *', tz: undefined, payload: { n: 1 }, catchUp, source: 'test' }],
    holder: { holder: 'test:1', sinceMs: T0, schedules: [] },
  });
  await scheduler.start();
  return { fired, ids: () => lease.dispatched.map((m) => m.properties.messageId) };
}

const idAt = (ms: number) => `tick@${new Date(ms).toISOString()}`;

describe('PipelineScheduler', () => {
  it('fires nothing in standby and each tick once while leading, with id <job>@<tick> and the tick headers', async () => {
    vi.useFakeTimers({ now: T0 + 200 });
    const lease = new FakeLease();
    const { ids } = await startScheduler(lease);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(ids()).toEqual([]);
    expect(scheduler!.state).toBe('standby');
    lease.acquire();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(ids()).toEqual([idAt(T0 + 3_000), idAt(T0 + 4_000), idAt(T0 + 5_000)]);
    expect(lease.dispatched[0]!.properties.headers).toMatchObject({ 'x-warren-schedule': 'tick', 'x-warren-tick': new Date(T0 + 3_000).toISOString() });
    expect(lease.dispatched[0]!.properties.headers['x-warren-attempt'], 'a first attempt goes out in the light shape').toBeUndefined();
    expect(JSON.parse(lease.dispatched[0]!.body.toString())).toEqual({ n: 1 });
  });

  it('stops firing at once when the lease is lost', async () => {
    vi.useFakeTimers({ now: T0 + 200 });
    const lease = new FakeLease();
    const { ids } = await startScheduler(lease);
    lease.acquire();
    await vi.advanceTimersByTimeAsync(1_000);
    lease.lose();
    await vi.advanceTimersByTimeAsync(3_000);
    expect(ids()).toEqual([idAt(T0 + 1_000)]);
    expect(scheduler!.state).toBe('standby');
  });

  it.each([
    ['latest', [idAt(T0 + 4_000), idAt(T0 + 5_000)], [true, false]],
    ['none', [idAt(T0 + 5_000)], [false]],
  ] as const)('on takeover with catch_up %s fires %j', async (catchUp, expected, catchUps) => {
    vi.useFakeTimers({ now: T0 + 4_300 });
    const lease = new FakeLease();
    lease.recorded.set('tick', T0 + 1_000); // ticks 2, 3 and 4 were missed while no scheduler ran
    const { ids, fired } = await startScheduler(lease, catchUp);
    lease.acquire();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ids()).toEqual(expected);
    expect(fired.map((f) => f.isCatchUp)).toEqual(catchUps);
  });

  it('never fires a tick twice across a takeover: a recorded tick is not caught up again', async () => {
    vi.useFakeTimers({ now: T0 + 200 });
    const lease = new FakeLease();
    const { ids } = await startScheduler(lease);
    lease.acquire();
    await vi.advanceTimersByTimeAsync(1_000); // fires T0+1s
    lease.lose();
    await vi.advanceTimersByTimeAsync(300);
    lease.acquire(); // retaken within the same second: tick T0+1s is recorded, nothing is missed
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ids()).toEqual([idAt(T0 + 1_000), idAt(T0 + 2_000)]);
  });

  it('waits the lease\'s settleMs after a takeover before it reads the record, then catches up', async () => {
    vi.useFakeTimers({ now: T0 + 900 });
    const lease = Object.assign(new FakeLease(), { settleMs: 250 });
    lease.recorded.set('tick', T0 - 1_000); // tick T0 missed
    const { ids } = await startScheduler(lease);
    lease.acquire();
    await vi.advanceTimersByTimeAsync(200);
    lease.recorded.set('tick', T0); // the old holder's last publish lands during the settle time
    await vi.advanceTimersByTimeAsync(1_000);
    expect(ids()).toEqual([idAt(T0 + 1_000), idAt(T0 + 2_000)]); // without the wait, T0 would be fired again first
  });

  it('reports the next run of each schedule and leaves the election on close', async () => {
    vi.useFakeTimers({ now: T0 + 200 });
    const lease = new FakeLease();
    await startScheduler(lease);
    lease.acquire();
    expect(scheduler!.status(T0 + 200)).toEqual([
      { job: 'tick', pipeline: 'ticks', cron: '* * * * * *', tz: undefined, catchUp: 'latest', nextRunMs: T0 + 1_000, lastFiredMs: undefined },
    ]);
    await scheduler!.close();
    expect(scheduler!.state).toBe('closed');
    expect(lease.isHeld).toBe(false);
  });
});
