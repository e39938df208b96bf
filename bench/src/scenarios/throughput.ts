/*
 * Throughput and latency on one BenchSide: end-to-end (consumer running while the publisher sends
 * through a confirm window), publish-only into an idle queue, then consume-only of that backlog,
 * and one-at-a-time latency (dispatch → handler start). Opening and closing sides is the caller's.
 */
import { performance } from 'node:perf_hooks';
import { makePayload } from '../support/bench-payload.js';
import type { BenchSide } from '../support/bench-side.js';
import { HandledTracker } from '../support/handled-tracker.js';
import { publishWindow } from '../support/publish-window.js';

export interface ThroughputSettings {
  readonly jobs: number;
  readonly window: number;
  /** Upper bound for one measurement; a stuck side fails the run instead of hanging it. */
  readonly timeoutMs: number;
}

/**
 * Marks a wait as observed: when the measurement fails before awaiting it (a publish rejected, the broker went away),
 * its later timeout must not be an unhandled rejection, which would end the whole bench. Awaiting it still throws.
 */
function observed<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

function assertAllConfirmed(side: BenchSide, rejected: number): void {
  if (rejected > 0) throw new Error(`${side.name}: ${rejected} publishes were rejected`);
}

/** msg/s from the first publish until the last job's handler started. Starts the consumer unless `isConsuming`. */
export async function measureEndToEnd(side: BenchSide, settings: ThroughputSettings, isConsuming = false): Promise<number> {
  const tracker = new HandledTracker().listen();
  if (!isConsuming) await side.startConsumer();
  const startMs = performance.now();
  const handled = observed(tracker.waitForCount(settings.jobs, settings.timeoutMs));
  const { rejected } = await publishWindow(settings.jobs, settings.window, (seq) => side.publish(makePayload(seq)));
  assertAllConfirmed(side, rejected);
  await handled;
  return settings.jobs / ((tracker.lastAtMs - startMs) / 1000);
}

/** Publish-only msg/s (no consumer), then consume-only msg/s of that backlog. */
export async function measurePublishThenConsume(side: BenchSide, settings: ThroughputSettings): Promise<{ publishPerSec: number; consumePerSec: number }> {
  const tracker = new HandledTracker().listen();
  const publishStartMs = performance.now();
  const { rejected } = await publishWindow(settings.jobs, settings.window, (seq) => side.publish(makePayload(seq)));
  const publishPerSec = settings.jobs / ((performance.now() - publishStartMs) / 1000);
  assertAllConfirmed(side, rejected);
  const consumeStartMs = performance.now();
  const handled = observed(tracker.waitForCount(settings.jobs, settings.timeoutMs));
  await side.startConsumer();
  await handled;
  return { publishPerSec, consumePerSec: settings.jobs / ((tracker.lastAtMs - consumeStartMs) / 1000) };
}

/**
 * Sends `warmup` unmeasured jobs, then `samples` measured ones, one at a time; each latency is send
 * start → handler start, in ms. The warm-up is long because every side's first ~1000 round trips
 * include V8 optimizing its hot path on a background thread (1–5 ms stalls on two cores; gone with
 * `--no-opt`), which a p99 over a few hundred samples would otherwise measure instead of the client.
 */
export async function measureLatency(side: BenchSide, samples: number, timeoutMs: number, warmup = 1_000): Promise<number[]> {
  const tracker = new HandledTracker().listen();
  await side.startConsumer();
  const latencies: number[] = [];
  for (let seq = 0; seq < samples + warmup; seq++) {
    const payload = makePayload(seq);
    const handledAt = observed(tracker.waitForSeq(seq, timeoutMs));
    await side.publish(payload);
    const atMs = await handledAt;
    if (seq >= warmup) latencies.push(atMs - payload.sentAtMs);
  }
  return latencies;
}
