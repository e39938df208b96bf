/*
 * Chaos through the whole product: a Warren worker with real @Job handlers (some failing once and
 * retried through the delay queue) while the broker is force-closed, restarted and cut off. Every
 * dispatched job must succeed at least once; health must say not-ready during the outage and ready
 * after it; an outage beyond redial.timeout must make the process not live.
 */
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import '../../packages/amqp/dist/index.js';
import {
  closeAllConnections, deleteQueuesWithPrefix, listQueues, startApp, stopApp, withBrokerRestored,
} from '../support/broker-control.js';
import { restoreBrokerAfterEach } from '../support/broker-safety-net.js';
import { JobLedger } from '../support/job-ledger.js';
import { LogCapture } from '../support/log-capture.js';
import { SteadyProducer } from '../support/steady-producer.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { withDeadline } from '../support/with-deadline.js';
import { DEFAULT_TEST_AMQP_URL } from '../support/require-broker.js';
import { Job, JobRegistry, Warren, type JobContext } from '../support/warren-packages.js';

const AMQP_URL = process.env.WARREN_TEST_AMQP_URL ?? DEFAULT_TEST_AMQP_URL;

/** The ledger of the running test; handlers record into it. */
let ledger = new JobLedger('warren');
/** Job id → its sequence number, so that a failure says which jobs (every tenth is retried) were lost. */
const sequenceOf = new Map<string, number>();

@Job('chaos.work', { pipeline: 'main', attempts: 5, backoff: { type: 'fixed', delay: '100ms', jitter: 0 } })
class ChaosWork {
  async handle(payload: { sequence: number }, ctx: JobContext): Promise<void> {
    // Every tenth job fails its first attempt: its retry copy must survive the chaos too.
    if (payload.sequence % 10 === 0 && ctx.attempt === 1) throw new Error(`planned failure of job ${payload.sequence}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
    ledger.handled(ctx.id);
  }
}

const cleanups = restoreBrokerAfterEach();

async function startWarren(label: string, amqp: Record<string, unknown> = {}) {
  ledger = new JobLedger(label);
  const prefix = `chaos-${label}-${randomUUID().slice(0, 8)}`;
  const logs = new LogCapture('info');
  const registry = new JobRegistry();
  registry.add(ChaosWork);
  const warren = await Warren.fromConfig(
    {
      version: 1,
      amqp: { urls: [AMQP_URL], heartbeat: '2s', redial: { schedule: ['50ms', '100ms', '250ms', '500ms'], jitter: 0 }, connection_name: prefix, ...amqp },
      jobs: { shutdown_timeout: '2s', pipelines: { main: { driver: 'amqp', concurrency: 10, options: { queue: prefix, prefetch: 10 } } } },
      http: { enabled: false },
    },
    { registry, logger: logs.logger },
  );
  cleanups.push(() => deleteQueuesWithPrefix(prefix));
  cleanups.push(() => warren.close({ timeoutMs: 5_000 }));
  await warren.run();
  const describeRun = async () => {
    const lost = ledger.report().lost.map((id) => sequenceOf.get(id));
    const queues = (await listQueues().catch(() => [])).filter((queue) => queue.name.startsWith(prefix));
    // The numbers last: a CI log keeps the end of a long failure.
    return `${logs.tail(40)}\nqueues=${JSON.stringify(queues)}\n`
      + `${ledger.summary()} lost sequences=${JSON.stringify(lost)} health=${JSON.stringify(warren.health())}`;
  };
  return { warren, describeRun };
}

function produce(warren: Warren, intervalMs: number): SteadyProducer {
  return new SteadyProducer({
    ledger, total: Infinity, intervalMs, idOf: (sequence) => {
      const id = randomUUID();
      sequenceOf.set(id, sequence);
      return id;
    },
    publish: async (id, sequence) => void (await warren.dispatch(ChaosWork, { sequence }, { id })),
  }).start();
}

/** Resolves when `predicate` holds on a warren event or a ledger change; rejects after `timeoutMs`. */
function until(warren: Warren, predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  if (predicate()) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const check = () => {
      if (!predicate()) return;
      done();
      resolve();
    };
    const offState = warren.events.on('driver:state', check);
    const offJob = warren.events.on('job:succeeded', check);
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs}ms waiting until ${what}`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      offState();
      offJob();
    };
  });
}

describe('amqp chaos: a whole Warren worker', () => {
  it('handles every dispatched job, retries included, through a forced close and an app restart', async () => {
    const { warren, describeRun } = await startWarren('w-restarts');
    const producer = produce(warren, 10);
    await ledger.waitUntilHandled(50, { timeoutMs: 10_000 });

    await closeAllConnections('chaos test (warren): forced close');
    await ledger.waitUntilHandled(ledger.handledDistinct + 50, { timeoutMs: 20_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await describeRun()}`);
    });
    await withBrokerRestored(async () => {
      await stopApp();
      await until(warren, () => !warren.health().ready, 10_000, 'health says not ready');
      expect(warren.health().reasons.join('; ')).not.toBe('');
      await startApp();
    });
    await until(warren, () => warren.health().ready, 20_000, 'health is ready again').catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await describeRun()}`);
    });
    await ledger.waitUntilHandled(ledger.handledDistinct + 50, { timeoutMs: 20_000 });
    producer.stop();

    const report = await ledger.waitUntilAllHandled({ timeoutMs: 20_000 }).catch(async (e: Error) => {
      throw new Error(`${e.message}\n${await describeRun()}`);
    });
    console.info(`${ledger.summary()} redeliveries=${report.duplicates.reduce((n, d) => n + d.count - 1, 0)}`);
    expect(report.rejected).toEqual([]);
    expect(report.lost).toEqual([]);
    expect(report.confirmed).toBe(producer.sent);
    expect(warren.health()).toMatchObject({ live: true, ready: true });
  });

  it('stops being live when the broker stays unreachable beyond redial.timeout', async () => {
    const proxy = await TcpProxy.start();
    cleanups.push(() => proxy.close());
    const { warren } = await startWarren('w-timeout', { urls: [proxy.amqpUrl()], redial: { schedule: ['50ms', '100ms'], jitter: 0, timeout: '1500ms' } });
    await until(warren, () => warren.health().ready, 10_000, 'ready');
    const failed = new Promise<void>((resolve) => warren.events.on('driver:state', ({ to }) => to === 'failed' && resolve()));

    await proxy.refuse();
    proxy.dropAll();
    await until(warren, () => !warren.health().live, 15_000, 'health is not live');
    await withDeadline(failed, 5_000, 'driver:state failed on warren.events');
    expect(warren.health()).toMatchObject({ live: false, ready: false });
  });
});
