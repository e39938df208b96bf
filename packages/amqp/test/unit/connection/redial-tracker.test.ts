import { describe, expect, it } from 'vitest';
import { RedialTracker } from '../../../src/connection/redial-tracker.js';

const REDIAL = { scheduleMs: [100, 200, 400], jitter: 0, timeoutMs: 0, alertAfter: 3, probeIntervalMs: 0 };

describe('RedialTracker', () => {
  it.each([
    [0, 100, false, 0],
    [1, 200, false, 0],
    [2, 400, false, 0],
    [3, 400, true, 1],
    [4, 400, false, 1],
    [6, 400, true, 1],
  ])('after %i consecutive failures: next delay %ims, alert due %s, gauge %i', (failures, delayMs, isAlertDue, gauge) => {
    const tracker = new RedialTracker(REDIAL);
    for (let n = 0; n < failures; n++) tracker.recordFailure();
    expect(tracker.nextDelayMs()).toBe(delayMs);
    expect(tracker.isAlertDue()).toBe(isAlertDue);
    expect(tracker.alertGauge).toBe(gauge);
  });

  it('starts the schedule over once a connection is ready, keeping the redial count', () => {
    const tracker = new RedialTracker(REDIAL);
    tracker.recordFailure();
    tracker.recordRedial();
    tracker.recordFailure();
    tracker.recordRedial();
    tracker.recordReady();
    expect([tracker.consecutiveFailures, tracker.redials, tracker.nextDelayMs()]).toEqual([0, 2, 100]);
  });

  it('spreads delays by the jitter', () => {
    const tracker = new RedialTracker({ ...REDIAL, jitter: 0.5 }, () => 0);
    expect(tracker.nextDelayMs()).toBe(50);
  });
});
