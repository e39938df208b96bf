/*
 * The two broker disruptions the recovery and soak measurements apply while jobs flow, each
 * returning how long it took until a handler ran again:
 * - forcedClose: `rabbitmqctl close_all_connections`; timed from the moment Warren saw the loss.
 * - appOutage: `stop_app`, `outageMs` later `start_app`; timed from start_app returning.
 * The broker is always restored, even when a step fails (and by the exit guard of broker-control.ts).
 */
import { performance } from 'node:perf_hooks';
import type { Warren } from '@warren/core';
import { closeAllConnections, restoreBroker, startApp, stopApp } from './broker-control.js';
import { nextDriverState } from './driver-watch.js';
import type { HandledTracker } from './handled-tracker.js';
import type { SteadyProducer } from './steady-producer.js';

const RECOVERY_DEADLINE_MS = 60_000;

export interface DisruptionResult {
  readonly kind: 'close_all_connections' | 'stop_app/start_app';
  /** From the loss (or start_app) to the next handler start; Infinity when none came before the deadline. */
  readonly recoveryMs: number;
  /** Dispatches rejected between the disruption and the recovery. */
  readonly rejected: number;
}

async function nextHandledAfter(tracker: HandledTracker, fromMs: number): Promise<number> {
  try {
    return (await tracker.waitForNextAfter(fromMs, RECOVERY_DEADLINE_MS)) - fromMs;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

export async function forcedClose(warren: Warren, tracker: HandledTracker, producer: SteadyProducer): Promise<DisruptionResult> {
  const lost = nextDriverState(warren, 'reconnecting', 30_000);
  const commandAtMs = performance.now();
  await closeAllConnections();
  const loss = (await lost) ?? { atMs: commandAtMs, tickEndMs: commandAtMs };
  // Handlers that start before the loss's I/O callback ended ran deliveries of the dead channel: not recovery.
  const fromMs = loss.atMs;
  const recoveryMs = (await nextHandledAfter(tracker, loss.tickEndMs)) + (loss.tickEndMs - loss.atMs);
  return { kind: 'close_all_connections', recoveryMs, rejected: producer.rejectedBetween(commandAtMs, fromMs + recoveryMs) };
}

export async function appOutage(tracker: HandledTracker, producer: SteadyProducer, outageMs: number): Promise<DisruptionResult> {
  const stopAtMs = performance.now();
  try {
    await stopApp();
    await new Promise((resolve) => setTimeout(resolve, outageMs));
    await startApp();
  } catch (error) {
    await restoreBroker();
    throw error;
  }
  const fromMs = performance.now();
  const recoveryMs = await nextHandledAfter(tracker, fromMs);
  return { kind: 'stop_app/start_app', recoveryMs, rejected: producer.rejectedBetween(stopAtMs, fromMs + recoveryMs) };
}
