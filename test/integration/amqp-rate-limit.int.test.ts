/*
 * Rate limits on the real broker: a job limited to 20 per second, 100 of them dispatched at once, is handled in
 * full, none failed or retried, and no sooner than 4.5 s (starts are spaced 50 ms apart); the deliveries over the
 * limit wait held unacked, and the time they waited shows in the metrics.
 */
import { afterEach, describe, expect, it } from 'vitest';
import '../../packages/amqp/dist/index.js';
import { Job, JobRegistry, Warren, WarrenMetrics, createSilentLogger } from '../support/warren-packages.js';
import { TEST_AMQP_URL, deleteQueues, eventually, uniqueName } from './cli-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('rate limits', () => {
  it('handles all of 100 jobs limited to 20 per second, taking at least 4.5 s, with none failed', async () => {
    const queue = uniqueName('warren.ratelimit');
    cleanups.push(() => deleteQueues(queue, `${queue}.dlq`));
    const startedAtMs: number[] = [];
    const handled = new Set<string>();
    const registry = new JobRegistry();
    registry.add(Job('limited.report', { pipeline: 'reports', rateLimit: { max: 20, per: '1s' }, timeout: '5s' })(class {
      handle(_payload: unknown, ctx: { id: string }) {
        startedAtMs.push(Date.now());
        handled.add(ctx.id);
      }
    }));
    const warren = await Warren.fromConfig({
      version: 1,
      amqp: { urls: [TEST_AMQP_URL] },
      jobs: { pipelines: { reports: { driver: 'amqp', concurrency: 10, options: { queue, prefetch: 20 } } } },
    }, { registry, loadModules: false, logger: createSilentLogger() });
    cleanups.push(() => warren.close({ timeoutMs: 2_000 }));
    const metrics = new WarrenMetrics({ collectProcessMetrics: false });
    metrics.attach(warren);
    cleanups.push(() => metrics.detach());
    let failures = 0;
    warren.events.on('job:failed', () => (failures += 1));

    const ids = await warren.dispatchMany('limited.report', Array.from({ length: 100 }, (_, i) => ({ i })));
    await warren.run();
    await eventually(async () => handled.size, (count) => count === 100, 'all 100 jobs handled', 20_000);

    const tookMs = Math.max(...startedAtMs) - Math.min(...startedAtMs);
    console.log(`100 jobs at 20/s took ${tookMs} ms from the first start to the last`);
    expect(tookMs).toBeGreaterThanOrEqual(4_500);
    expect([...handled].sort()).toEqual([...ids].sort());
    expect(startedAtMs).toHaveLength(100); // each ran once: none failed, none retried
    expect(failures).toBe(0);
    const waitedMs = warren.health().pipelines.find((p) => p.name === 'reports')!.rateLimitWaitedMs;
    // With prefetch 20 and one start per 50 ms, most deliveries wait about a second, held unacked.
    expect(waitedMs).toBeGreaterThan(10_000);
    const metric = /^warren_rate_limit_wait_seconds_total\{pipeline="reports"\} ([\d.]+)$/m.exec(await metrics.render());
    expect(Number(metric?.[1])).toBeCloseTo(waitedMs / 1_000, 0);
  });
});
