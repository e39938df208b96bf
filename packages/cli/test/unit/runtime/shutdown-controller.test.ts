import { describe, expect, it, vi } from 'vitest';
import { SHUTDOWN_TRANSITIONS, ShutdownController, type ShutdownState } from '../../../src/runtime/shutdown-controller.js';

type Step = { signal: string } | { fail: string };

describe('ShutdownController', () => {
  it.each<[string, Step[], ShutdownState, Array<'drain' | 'force' | 'ignored' | 'fail'>, number]>([
    ['drains on the first signal', [{ signal: 'SIGTERM' }], 'draining', ['drain'], 0],
    ['forces on the second signal', [{ signal: 'SIGTERM' }, { signal: 'SIGINT' }], 'forcing', ['drain', 'force'], 1],
    ['ignores a third signal', [{ signal: 'SIGINT' }, { signal: 'SIGINT' }, { signal: 'SIGINT' }], 'forcing', ['drain', 'force', 'ignored'], 1],
    ['fails when a driver fails', [{ fail: 'driver amqp failed' }], 'failing', ['fail'], 0],
    ['forces on a signal while failing', [{ fail: 'driver amqp failed' }, { signal: 'SIGTERM' }], 'forcing', ['fail', 'force'], 1],
    ['ignores a failure while draining', [{ signal: 'SIGTERM' }, { fail: 'late' }], 'draining', ['drain', 'fail'], 0],
  ])('%s', (_, steps, finalState, outcomes, forceCalls) => {
    const onForce = vi.fn();
    const controller = new ShutdownController({ onForce });
    const seen = steps.map((step) => ('signal' in step ? controller.signal(step.signal) : (controller.fail(step.fail), 'fail' as const)));
    expect(seen).toEqual(outcomes);
    expect(controller.state).toBe(finalState);
    expect(onForce).toHaveBeenCalledTimes(forceCalls);
  });

  it('resolves the request with the first reason only', async () => {
    const controller = new ShutdownController({ onForce: () => {} });
    controller.signal('SIGTERM');
    controller.signal('SIGINT');
    await expect(controller.requested).resolves.toEqual({ kind: 'signal', signal: 'SIGTERM' });
    const failing = new ShutdownController({ onForce: () => {} });
    failing.fail('driver amqp failed');
    await expect(failing.requested).resolves.toEqual({ kind: 'failure', reason: 'driver amqp failed' });
  });

  it('lists every legal move and nothing leaves forcing', () => {
    expect(SHUTDOWN_TRANSITIONS).toEqual({
      running: ['draining', 'failing'],
      draining: ['forcing'],
      failing: ['forcing'],
      forcing: [],
    });
  });

  it('installs and removes process signal listeners', () => {
    const controller = new ShutdownController({ onForce: () => {} });
    const before = process.listenerCount('SIGTERM');
    controller.install(['SIGTERM']);
    expect(process.listenerCount('SIGTERM')).toBe(before + 1);
    process.emit('SIGTERM', 'SIGTERM');
    expect(controller.state).toBe('draining');
    controller.dispose();
    controller.dispose();
    expect(process.listenerCount('SIGTERM')).toBe(before);
  });
});
