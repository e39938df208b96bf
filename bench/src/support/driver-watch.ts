/*
 * nextDriverState: resolves with the performance.now() time at which a Warren instance's driver
 * next entered `state` (from warren.events 'driver:state'); undefined after the timeout.
 */
import { performance } from 'node:perf_hooks';
import type { Warren } from '@warren/core';

export function nextDriverState(warren: Warren, state: string, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const onState = (change: { to: string }): void => {
      if (change.to !== state) return;
      finish(performance.now());
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    const finish = (atMs: number | undefined): void => {
      clearTimeout(timer);
      warren.events.off('driver:state', onState);
      resolve(atMs);
    };
    warren.events.on('driver:state', onState);
  });
}
