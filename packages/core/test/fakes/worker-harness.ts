/*
 * A PipelineWorker on an in-memory driver, with every event recorded, for worker tests.
 * `dispatch` publishes like Warren.dispatch will; `waitFor` turns the event loop (real or fake
 * timers) until a condition holds, failing with a message after a bounded number of turns.
 */
import 'reflect-metadata';
import { vi } from 'vitest';
import type { DependencyContainer } from 'tsyringe';
import type { WireMessage } from '../../src/driver/wire-message.js';
import { MemoryDriver } from '../../src/drivers/memory/memory-driver.js';
import { TypedEmitter } from '../../src/events/typed-emitter.js';
import type { WarrenEventMap } from '../../src/events/warren-events.js';
import { JobRegistry } from '../../src/job/job-registry.js';
import type { JobClass } from '../../src/job/job-types.js';
import { createSilentLogger, type Logger } from '../../src/logging/logger.js';
import { encodeJob } from '../../src/worker/encode-job.js';
import { PipelineWorker } from '../../src/worker/pipeline-worker.js';

export const PIPELINE = 'work';

export type RecordedEvent = { [E in keyof WarrenEventMap]: { event: E; payload: WarrenEventMap[E] } }[keyof WarrenEventMap];

export interface HarnessOptions {
  readonly jobs: JobClass[];
  readonly concurrency?: number;
  readonly prefetch?: number;
  readonly container?: DependencyContainer;
  /** Default: a silent logger. */
  readonly logger?: Logger;
  readonly stuckJobAfterMs?: number;
  readonly requeueDelayMs?: number;
  /** The pipeline's rate_limit. */
  readonly rateLimit?: { readonly max: number; readonly perMs: number };
}

/** One event-loop turn; with fake timers it also runs timers that are due now. */
export async function turn(): Promise<void> {
  if (vi.isFakeTimers()) await vi.advanceTimersByTimeAsync(0);
  else await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Turns the event loop until `condition` holds. With real timers a turn takes microseconds while a timer waits for the
 * clock, so the bound is also time: at least `maxTurns` turns and, with real timers, at least `minWaitMs`.
 */
export async function waitFor(condition: () => boolean, what: string, maxTurns = 500, minWaitMs = 2_000): Promise<void> {
  const notBeforeMs = Date.now() + minWaitMs;
  for (let i = 0; ; i += 1) {
    if (condition()) return;
    if (i >= maxTurns && (vi.isFakeTimers() || Date.now() >= notBeforeMs)) break;
    await turn();
  }
  throw new Error(`gave up waiting for ${what}`);
}

export async function startWorker(options: HarnessOptions) {
  const driver = new MemoryDriver();
  await driver.start();
  const registry = new JobRegistry();
  for (const job of options.jobs) registry.add(job);
  const events = new TypedEmitter<WarrenEventMap>();
  const recorded: RecordedEvent[] = [];
  for (const event of ['job:started', 'job:succeeded', 'job:failed', 'job:deadLettered', 'worker:state'] as const) {
    events.on(event, (payload) => recorded.push({ event, payload } as RecordedEvent));
  }
  const worker = new PipelineWorker({
    driver, registry, events, pipeline: PIPELINE, concurrency: options.concurrency ?? 1, prefetch: options.prefetch,
    logger: options.logger ?? createSilentLogger(), container: options.container, random: () => 0.5, stuckJobAfterMs: options.stuckJobAfterMs,
    requeueDelayMs: options.requeueDelayMs, rateLimit: options.rateLimit,
  });
  await worker.start();
  return {
    driver, registry, events, worker, recorded,
    /** Payloads of one event kind, in order. */
    eventsOf<E extends keyof WarrenEventMap>(event: E): WarrenEventMap[E][] {
      return recorded.filter((r) => r.event === event).map((r) => r.payload as WarrenEventMap[E]);
    },
    async dispatch(name: string, payload: unknown, id?: string): Promise<WireMessage> {
      const message = encodeJob(registry.get(name), payload, { id });
      await driver.publish(PIPELINE, message);
      return message;
    },
    async close(): Promise<void> {
      if (worker.state === 'running') await worker.stop({ timeoutMs: 1_000 });
      await driver.close();
    },
  };
}

export type WorkerHarness = Awaited<ReturnType<typeof startWorker>>;
