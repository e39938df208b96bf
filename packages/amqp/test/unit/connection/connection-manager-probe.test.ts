import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PROBE_DIALS_PER_OPENING } from '../../../src/connection/probe-dial-policy.js';
import { FakePort, harness, shutdownBreakers, unavailable } from '../../fakes/connection-harness.js';

/** DESIGN.md's default schedule, without jitter so the test can name the attempt times. */
const DEFAULT_SCHEDULE = [100, 500, 1_000, 1_000, 2_000, 2_000, 5_000, 15_000, 25_000];
/** Scheduled attempts after a loss at 0: 100, 600, 1600, 2600, 4600, 6600, 11600, 26600, 51600. */
const SCHEDULED_AT_MS = [100, 600, 1_600, 2_600, 4_600, 6_600, 11_600, 26_600, 51_600];

/** A manager that is ready, then loses the broker at t=0; every later dial fails until `brokerUp()`. */
async function lostBroker(port: FakePort, rawRedial: Record<string, unknown> = {}) {
  const outcomes: Array<'ok' | Error> = ['ok'];
  const h = harness({ redial: { schedule: DEFAULT_SCHEDULE, probe_interval: '250ms', ...rawRedial } }, outcomes, async () => undefined, port);
  await h.manager.start();
  vi.setSystemTime(0);
  for (let n = 0; n < 100; n++) outcomes.push(unavailable());
  h.connections[0]?.dropConnection(new Error('CONNECTION_FORCED'));
  const brokerUp = () => {
    outcomes.splice(0);
    port.isOpen = true;
  };
  const dialsSinceLoss = () => h.dialedAtMs.slice(1);
  return { ...h, outcomes, brokerUp, dialsSinceLoss };
}

describe('ConnectionManager with the reachability probe', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => {
    shutdownBreakers();
    vi.useRealTimers();
  });

  it('redials within one probe interval of the broker port opening, not at the next schedule step', async () => {
    const port = new FakePort();
    const h = await lostBroker(port);
    await vi.advanceTimersByTimeAsync(8_000);
    expect(h.dialsSinceLoss()).toEqual(SCHEDULED_AT_MS.slice(0, 6)); // while the port is closed: the schedule alone
    expect(h.manager.state).toBe('reconnecting');
    h.brokerUp();
    await vi.advanceTimersByTimeAsync(250);
    expect(h.manager.state).toBe('ready');
    expect(h.dialsSinceLoss().at(-1)).toBeLessThanOrEqual(8_250);
    expect(h.lines.some((line) => line.event === 'amqp.redial.probe')).toBe(true);
    await h.manager.close(async () => undefined);
  });

  it('gives a broker that stays down only TCP probes between the scheduled redials', async () => {
    const port = new FakePort();
    const h = await lostBroker(port);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.dialsSinceLoss()).toEqual(SCHEDULED_AT_MS);
    expect(port.checks.length).toBeGreaterThan(200); // about one per 250ms, each only a TCP connect
    await h.manager.close(async () => undefined);
  });

  it('pulls redials forward at most once per second and a few times per opening when the port accepts TCP but AMQP fails', async () => {
    const port = new FakePort();
    const h = await lostBroker(port);
    await vi.advanceTimersByTimeAsync(700); // scheduled dials at 100 and 600 failed; next step is at 1600
    port.isOpen = true; // e.g. RabbitMQ still booting: TCP accepted, handshake fails
    await vi.advanceTimersByTimeAsync(30_000);
    const early = h.dialsSinceLoss().slice(2);
    const gaps = early.slice(1).map((at, n) => at - (early[n] as number));
    expect(early[0]).toBe(750); // the first probe that saw the port open
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(1_000);
    // Every probe-triggered dial took the place of the pending scheduled one; after the allowance, the schedule alone.
    expect(early.length).toBeLessThanOrEqual(PROBE_DIALS_PER_OPENING + 3);
    expect(h.manager.state).toBe('reconnecting');
    port.isOpen = false; // the port closes and opens again: a new opening gets a new allowance
    await vi.advanceTimersByTimeAsync(250);
    h.brokerUp();
    await vi.advanceTimersByTimeAsync(250);
    expect(h.manager.state).toBe('ready');
    await h.manager.close(async () => undefined);
  });

  it('keeps at most one probe in flight and aborts it on ready and on close', async () => {
    const port = new FakePort();
    port.isHanging = true;
    const h = await lostBroker(port);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(port.checks).toHaveLength(1);
    expect(port.checks[0]).toMatchObject({ host: '127.0.0.1', port: 5672 });
    h.brokerUp();
    port.isHanging = false;
    await vi.advanceTimersByTimeAsync(1_000); // the scheduled dial at 1600 connects
    expect(h.manager.state).toBe('ready');
    expect(port.checks[0]?.signal.aborted).toBe(true);
    const checks = port.checks.length;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(port.checks).toHaveLength(checks); // no probing while connected
    await h.manager.close(async () => undefined);
    h.breaker.shutdown();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not probe with probe_interval 0', async () => {
    const port = new FakePort();
    const h = await lostBroker(port, { probe_interval: 0 });
    port.isOpen = true;
    await vi.advanceTimersByTimeAsync(5_000);
    expect(port.checks).toEqual([]);
    expect(h.dialsSinceLoss()).toEqual(SCHEDULED_AT_MS.slice(0, 5));
    await h.manager.close(async () => undefined);
  });
});
