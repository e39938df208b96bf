/*
 * runRounds: the whole benchmark in one process tree: every group of measurements, round after
 * round, the sides interleaved (and their order rotated each round) so that broker noise hits
 * all sides alike. Each measurement gets fresh, uniquely named queues that are deleted afterwards.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchOptions, Group } from './bench-options.js';
import { ResultSet } from './report/result-set.js';
import { measureClusterRecovery } from './scenarios/cluster-recovery.js';
import { measureRecovery } from './scenarios/recovery.js';
import { measureRss } from './scenarios/memory-rss.js';
import { measureStartup } from './scenarios/startup.js';
import { measureDurableOutbox } from './scenarios/durable-outbox.js';
import { measureEndToEnd, measureLatency, measurePublishThenConsume, type ThroughputSettings } from './scenarios/throughput.js';
import type { SideName, SideSettings } from './support/bench-side.js';
import { awaitBrokerPort } from './support/await-broker.js';
import { openSide } from './support/open-side.js';
import { percentile } from './support/stats.js';

/** The sides measured in every comparison group: the baseline, the same-wire baseline, the reconnecting peer, Warren. */
const COMPARED: readonly SideName[] = ['amqplib', 'amqplib-wire', 'acm', 'warren'];
/** Tries per measurement: one more after a failure, once the broker accepts connections again. */
const MAX_TRIES = 2;
/** How long idle memory children get to start before the flow children run beside them. */
const IDLE_HEAD_START_MS = 3_000;
export const RUN_ID = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

export async function runRounds(options: BenchOptions): Promise<ResultSet> {
  const results = new ResultSet();
  // A measurement that stalls (e.g. a connection someone else's test closed on the shared broker) fails after this.
  const throughput: ThroughputSettings = { jobs: options.jobs, window: options.window, timeoutMs: options.isQuick ? 60_000 : 300_000 };
  const settingsFor = (what: string, side: SideName, round: number): SideSettings => ({
    amqpUrl: options.amqpUrl, redisUrl: options.redisUrl, prefetch: options.prefetch, concurrency: options.concurrency,
    queue: `warren-bench-${RUN_ID}-${what}-${side}-r${round}`,
  });
  // A failed measurement is run once more when the broker is reachable again (other users of a shared broker stop
  // it); the retry is logged and counted in latest.json's `retried`. A second failure is recorded as an error.
  const attempt = async (round: number, what: string, measure: () => Promise<void>): Promise<void> => {
    for (let tryNumber = 1; ; tryNumber++) {
      log(`round ${round}: ${what}${tryNumber > 1 ? ' (again)' : ''}`);
      try {
        await measure();
        return;
      } catch (error) {
        log(`round ${round}: ${what} FAILED: ${String(error)}`);
        if (tryNumber < MAX_TRIES && await awaitBrokerPort(options.amqpUrl)) {
          results.retried.push({ round, what, error: String(error instanceof Error ? error.message : error) });
          continue;
        }
        results.errors.push({ round, what, error: String(error instanceof Error ? error.message : error) });
        return;
      }
    }
  };
  const withSide = async <T>(name: SideName, settings: SideSettings, use: (side: Awaited<ReturnType<typeof openSide>>) => Promise<T>): Promise<T> => {
    const side = await openSide(name, settings);
    try {
      return await use(side);
    } finally {
      await side.close();
    }
  };
  const groups: Record<Group, (round: number, compared: readonly SideName[]) => Promise<void>> = {
    e2e: async (round, compared) => {
      for (const side of [...compared, 'bullmq', 'memory'] as const) {
        await attempt(round, `end-to-end ${side}`, async () => {
          results.add('e2e.msgPerSec', side, await withSide(side, settingsFor('e2e', side, round), (opened) => measureEndToEnd(opened, throughput)));
        });
      }
    },
    pubcons: async (round, compared) => {
      for (const side of compared) {
        await attempt(round, `publish-only then consume-only ${side}`, async () => {
          const measured = await withSide(side, settingsFor('pc', side, round), (opened) => measurePublishThenConsume(opened, throughput));
          results.add('publish.msgPerSec', side, measured.publishPerSec);
          results.add('consume.msgPerSec', side, measured.consumePerSec);
        });
      }
    },
    latency: async (round, compared) => {
      for (const side of compared) {
        await attempt(round, `latency ${side}`, async () => {
          const latencies = await withSide(side, settingsFor('lat', side, round), (opened) => measureLatency(opened, options.latencySamples, 30_000, options.latencyWarmup));
          results.add('latency.p50Ms', side, percentile(latencies, 50));
          results.add('latency.p99Ms', side, percentile(latencies, 99));
        });
      }
    },
    rss: async (round, compared) => {
      // Idle children sit side by side while the flow children run one at a time: after its start an idle child does
      // no work, so its wait (--idle-s) overlaps the flow runs instead of adding to the bench's time. The head start
      // keeps their module loading out of the first flow child's run.
      // One attempt per side, so a child that fails costs only its own reading, and every child is waited for.
      log(`round ${round}: idle memory ${compared.join(', ')} (${options.idleSeconds} s, child processes beside the flow children)`);
      const idle = Promise.all(compared.map((side) => attempt(round, `idle memory ${side}`, async () => {
        const report = await measureRss({ side, settings: settingsFor('idle', side, round), mode: 'idle', idleSeconds: options.idleSeconds });
        if (report.mode !== 'idle') return;
        results.add('rss.startMb', side, report.startRssMb);
        results.add('rss.idleMb', side, report.idleRssMb);
      })));
      await sleep(IDLE_HEAD_START_MS);
      for (const side of compared) {
        await attempt(round, `memory ${side} (${options.rssJobs} jobs, child process)`, async () => {
          const report = await measureRss({ side, settings: settingsFor('rss', side, round), mode: 'flow', jobs: options.rssJobs, window: options.window });
          if (report.mode !== 'flow') return;
          results.add('rss.peakMb', side, report.peakRssMb);
          results.add('rss.afterMb', side, report.afterRssMb);
        });
      }
      await idle;
    },
    startup: async (round) => {
      await attempt(round, 'startup (warren run → /ready)', async () => {
        results.add('startup.readyMs', 'warren', await measureStartup(settingsFor('start', 'warren', round)));
      });
    },
    tracing: async (round) => {
      // Warren with tracing off (as without @opentelemetry/api) and on with an SDK that samples every span but exports
      // none: the cost of the spans themselves, not of shipping them.
      for (const side of ['warren', 'warren-otel', 'memory', 'memory-otel'] as const) {
        await attempt(round, `tracing: end-to-end ${side}`, async () => {
          results.add('tracing.e2eMsgPerSec', side, await withSide(side, settingsFor('tre2e', side, round), (opened) => measureEndToEnd(opened, throughput)));
        });
      }
      for (const side of ['warren', 'warren-otel'] as const) {
        await attempt(round, `tracing: latency ${side}`, async () => {
          const latencies = await withSide(side, settingsFor('trlat', side, round), (opened) => measureLatency(opened, options.latencySamples, 30_000, options.latencyWarmup));
          results.add('tracing.latencyP50Ms', side, percentile(latencies, 50));
        });
      }
    },
    outbox: async (round) => {
      await attempt(round, `durable outbox cost (${options.jobs} dispatches while unreachable, then replayed)`, async () => {
        const measured = await measureDurableOutbox(settingsFor('outbox', 'warren', round), options.jobs);
        results.add('outbox.memoryPerSec', 'warren', measured.dispatchPerSec.memory);
        results.add('outbox.nonePerSec', 'warren', measured.dispatchPerSec.none);
        results.add('outbox.intervalPerSec', 'warren', measured.dispatchPerSec.interval);
        results.add('outbox.everyPerSec', 'warren', measured.dispatchPerSec.every);
        results.add('outbox.replayMs', 'warren', measured.replayMs);
      });
    },
    recovery: async (round) => {
      await attempt(round, `recovery (close_all_connections, ${options.outageMs}ms stop_app outage)`, async () => {
        const measured = await measureRecovery(settingsFor('rec', 'warren', round), { ratePerSec: options.ratePerSec, outageMs: options.outageMs });
        results.add('recovery.closeMs', 'warren', measured.closeRecoveryMs);
        results.add('recovery.startAppMs', 'warren', measured.startAppRecoveryMs);
        results.add('recovery.rejected', 'warren', measured.rejectedDuringOutage);
        results.add('recovery.lost', 'warren', measured.lost);
        results.add('recovery.duplicates', 'warren', measured.duplicates);
        results.add('recovery.sent', 'warren', measured.sent);
      });
    },
    cluster: async (round) => {
      if (round > 1) return; // one run: it boots a 3-node cluster (about a minute) and its figures vary little
      await attempt(round, 'recovery on a 3-node cluster (stop_app, then SIGKILL of the connected node)', async () => {
        const measured = await measureClusterRecovery();
        results.add('cluster.stopAppMs', 'warren', measured.stopAppMs);
        results.add('cluster.killMs', 'warren', measured.killMs);
      });
    },
  };
  const isComparing = options.only.includes('e2e') || options.only.includes('pubcons');
  if (isComparing || options.only.includes('tracing')) {
    // Unmeasured: every side's first few thousand jobs include V8 optimizing its hot path, which made round 1 the
    // slowest for every side; the rounds then measure warm clients, as the latency measurement does.
    const warmed: readonly SideName[] = isComparing ? [...COMPARED, 'bullmq', 'memory'] : ['warren', 'warren-otel', 'memory', 'memory-otel'];
    for (const side of warmed) {
      await attempt(0, `warm-up ${side} (${options.warmupJobs} jobs end to end, not measured)`, async () => {
        await withSide(side, settingsFor('warm', side, 0), (opened) => measureEndToEnd(opened, { ...throughput, jobs: options.warmupJobs }));
      });
    }
  }
  for (let round = 1; round <= options.rounds; round++) {
    // Warren and both amqplib baselines, rotated so that each goes first in turn.
    const shift = (round - 1) % COMPARED.length;
    const compared = [...COMPARED.slice(shift), ...COMPARED.slice(0, shift)];
    for (const group of options.only) await groups[group](round, compared);
  }
  return results;
}
