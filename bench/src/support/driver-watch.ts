/*
 * nextDriverState: resolves with the performance.now() time at which a Warren instance's driver
 * next entered `state` (from warren.events 'driver:state'), and the time that I/O callback ended
 * (deliveries read in the same socket chunk as the close still start their handlers until then);
 * undefined after the timeout.
 */
import { performance } from 'node:perf_hooks';
import type { Warren } from '@warren/core';

export interface StateChangeTime {
  readonly atMs: number;
  readonly tickEndMs: number;
}

export function nextDriverState(warren: Warren, state: string, timeoutMs: number): Promise<StateChangeTime | undefined> {
  return new Promise((resolve) => {
    const onState = (change: { to: string }): void => {
      if (change.to !== state) return;
      const atMs = performance.now();
      setImmediate(() => finish({ atMs, tickEndMs: performance.now() }));
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (time: StateChangeTime | undefined): void => {
      clearTimeout(timer);
      warren.events.off('driver:state', onState);
      resolve(time);
    };
    warren.events.on('driver:state', onState);
  });
}
