/*
 * The last line of defence of the chaos tests: if the test process exits (crash, signal, vitest
 * teardown) while the broker is stopped or under a forced memory alarm, bring it back synchronously.
 * Tests still restore in `finally`; this only catches what a `finally` cannot.
 */
import { spawnSync } from 'node:child_process';
import { afterEach, beforeAll } from 'vitest';
import {
  DEFAULT_MEMORY_HIGH_WATERMARK, RABBITMQCTL, RABBITMQ_SERVER, hasStoppedBroker, isMemoryAlarmForced, restoreBroker,
} from './broker-control.js';

let safetyNetInstalled = false;

/**
 * If the test process exits (crash, Ctrl-C, vitest teardown) after a test of this process stopped the
 * broker, start it again synchronously; a broker stopped by someone else is left to them. Installed once.
 */
export function installBrokerSafetyNet(): void {
  if (safetyNetInstalled) return;
  safetyNetInstalled = true;
  process.once('exit', restoreBrokerSync);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    // Only when nobody else handles the signal; then restore and die of the same signal.
    if (process.listenerCount(signal) > 0) continue;
    const onSignal = () => {
      restoreBrokerSync();
      process.kill(process.pid, signal);
    };
    process.once(signal, onSignal);
  }
}

function restoreBrokerSync(): void {
  // Synchronous on purpose: 'exit' handlers cannot await. Best effort, never throws.
  if (isMemoryAlarmForced()) {
    spawnSync(RABBITMQCTL, ['-q', 'set_vm_memory_high_watermark', String(DEFAULT_MEMORY_HIGH_WATERMARK)], { timeout: 15_000 });
  }
  if (!hasStoppedBroker()) return;
  const status = spawnSync(RABBITMQCTL, ['-q', 'status'], { timeout: 15_000 });
  if (status.status === 0) return;
  const ping = spawnSync(RABBITMQCTL, ['-q', 'ping'], { timeout: 15_000 });
  if (ping.status === 0) spawnSync(RABBITMQCTL, ['-q', 'start_app'], { timeout: 60_000 });
  else {
    spawnSync(RABBITMQ_SERVER, ['-detached'], { timeout: 15_000 });
    for (let i = 0; i < 60; i++) {
      if (spawnSync(RABBITMQCTL, ['-q', 'await_startup', '--timeout', '60'], { timeout: 65_000 }).status === 0) break;
      spawnSync('sleep', ['0.5']);
    }
  }
}

/**
 * The hooks of a chaos file that stops or reconfigures the broker: the safety net, and after each test the broker
 * restored first, then the test's cleanups in reverse order (a failing one is logged; the others still run). Returns
 * the list the tests push their cleanups to.
 */
export function restoreBrokerAfterEach(): Array<() => Promise<unknown>> {
  const cleanups: Array<() => Promise<unknown>> = [];
  beforeAll(() => installBrokerSafetyNet());
  afterEach(async () => {
    await restoreBroker();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => console.error(error));
  });
  return cleanups;
}
