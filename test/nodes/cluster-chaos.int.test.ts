/*
 * Chaos on a 3-node RabbitMQ cluster the test starts itself (test/support/rabbit-cluster.ts; the default broker is
 * never touched): a Warren worker with the URLs of all three nodes and a quorum-queue pipeline, fed ~100 jobs/s,
 * through the stop of the connected node's app, the SIGKILL of a node, a rolling restart of all three, and the loss
 * of the node that holds a classic queue. Every confirmed job must be handled; recovery times are printed and bounded.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import '../../packages/amqp/dist/index.js';
import { JobLedger } from '../support/job-ledger.js';
import { LogCapture } from '../support/log-capture.js';
import { RabbitCluster } from '../support/rabbit-cluster.js';
import type { RabbitNode } from '../support/rabbit-node.js';
import { SteadyProducer } from '../support/steady-producer.js';
import { Job, JobRegistry, Warren, type JobContext } from '../support/warren-packages.js';

/** Ports of the test cluster's nodes (distribution ports are 20000 above). */
const CLUSTER_BASE_PORT = Number(process.env.WARREN_TEST_CLUSTER_PORT ?? 5781);
/** Generous bounds: the figures printed are what the README quotes; these only catch a worker that never recovers. */
const RECOVERY_BOUND_MS = 30_000;

let ledger = new JobLedger('cluster');

@Job('cluster.work', { pipeline: 'quorum', attempts: 5, backoff: { type: 'fixed', delay: '100ms', jitter: 0 } })
class ClusterWork {
  async handle(_payload: { sequence: number }, ctx: JobContext): Promise<void> {
    ledger.handled(ctx.id);
  }
}

@Job('cluster.classic', { pipeline: 'classic', attempts: 5, backoff: { type: 'fixed', delay: '100ms', jitter: 0 } })
class ClassicWork {
  async handle(_payload: { sequence: number }, ctx: JobContext): Promise<void> {
    ledger.handled(ctx.id);
  }
}

let cluster: RabbitCluster;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  const startedAt = Date.now();
  cluster = await RabbitCluster.start({ basePort: CLUSTER_BASE_PORT });
  console.info(`[cluster] 3 nodes up and clustered in ${Date.now() - startedAt} ms: ${cluster.nodes.map((n) => n.nodeName).join(', ')}`);
}, 180_000);
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => console.error(error));
  await cluster?.heal(); // a failed test must not leave the next one a node short
}, 120_000);
afterAll(async () => {
  await cluster?.stop();
  if (process.env.WARREN_BENCH_CLUSTER_OUT) writeFileSync(process.env.WARREN_BENCH_CLUSTER_OUT, JSON.stringify(benchFigures));
}, 60_000);

interface RunningWorker {
  readonly warren: Warren;
  readonly prefix: string;
  readonly describeRun: () => string;
}

async function startWorker(label: string, options: { urls?: string[]; classic?: boolean; prefix?: string } = {}): Promise<RunningWorker> {
  ledger = new JobLedger(label);
  const prefix = options.prefix ?? `cl-${label}-${randomUUID().slice(0, 8)}`;
  const logs = new LogCapture('info');
  const registry = new JobRegistry();
  registry.add(ClusterWork);
  if (options.classic) registry.add(ClassicWork);
  const pipelines: Record<string, unknown> = {
    quorum: { driver: 'amqp', concurrency: 20, options: { queue: `${prefix}.q`, prefetch: 20, queue_type: 'quorum' } },
  };
  if (options.classic) pipelines.classic = { driver: 'amqp', concurrency: 20, options: { queue: `${prefix}.c`, prefetch: 20, queue_type: 'classic' } };
  const warren = await Warren.fromConfig(
    {
      version: 1,
      amqp: {
        urls: options.urls ?? cluster.urls,
        heartbeat: '2s', connect_timeout: '2s', watchdog_interval: '500ms',
        redial: { schedule: ['50ms', '100ms', '250ms', '500ms'], jitter: 0 },
        connection_name: prefix,
      },
      jobs: { shutdown_timeout: '2s', pipelines },
      http: { enabled: false },
    },
    { registry, logger: logs.logger },
  );
  cleanups.push(() => warren.close({ timeoutMs: 5_000 }));
  await warren.run();
  const describeRun = () => `${ledger.summary()} health=${JSON.stringify(warren.health())}\n${logs.tail(30)}`;
  return { warren, prefix, describeRun };
}

function produce(warren: Warren, job: typeof ClusterWork | typeof ClassicWork = ClusterWork, intervalMs = 10): SteadyProducer {
  const producer = new SteadyProducer({
    ledger, total: Infinity, intervalMs, idOf: () => `${job === ClassicWork ? 'classic' : 'quorum'}-${randomUUID()}`,
    publish: async (id, sequence) => void (await warren.dispatch(job, { sequence }, { id })),
  }).start();
  cleanups.push(async () => producer.stop());
  return producer;
}

/** Polls `predicate` every 20 ms; returns how long it took to hold. */
async function until(predicate: () => boolean, timeoutMs: number, what: () => string): Promise<number> {
  const startedAt = Date.now();
  while (!predicate()) {
    if (Date.now() - startedAt > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return Date.now() - startedAt;
}

/** Waits until `count` more jobs are handled than now; returns how long that took. */
function moreHandled(worker: RunningWorker, count: number, timeoutMs = RECOVERY_BOUND_MS): Promise<number> {
  const target = ledger.handledDistinct + count;
  return until(() => ledger.handledDistinct >= target, timeoutMs, () => `${count} more jobs are handled\n${worker.describeRun()}`);
}

/** The node the worker's connections (`<prefix>/publish`, `<prefix>/consume`) are on, by the broker's view. */
async function connectedNodes(worker: RunningWorker): Promise<RabbitNode[]> {
  const ports = new Set<number>();
  for (const node of cluster.nodes) {
    const text = await node.ctl(['list_connections', 'port', 'client_properties']).catch(() => '');
    for (const line of text.split('\n')) {
      if (line.includes(`{"connection_name","${worker.prefix}/`)) ports.add(Number(line.split('\t')[0]));
    }
    if (ports.size > 0) break; // every running node lists the connections of the whole cluster
  }
  return cluster.nodes.filter((node) => ports.has(node.amqpPort));
}

interface Recovery {
  /** From the fault until 100 more jobs were handled. */
  readonly handledMs: number;
  readonly readyMs: number;
  readonly text: string;
}

/** Times from `faultAt` until 100 more jobs were handled and until /ready is true again. */
async function recoveryAfter(worker: RunningWorker, faultAt: number): Promise<Recovery> {
  await moreHandled(worker, 100);
  const handledMs = Date.now() - faultAt;
  await until(() => worker.warren.health().ready, RECOVERY_BOUND_MS, () => `ready\n${worker.describeRun()}`);
  const readyMs = Date.now() - faultAt;
  expect(handledMs, 'time until 100 more jobs were handled').toBeLessThan(RECOVERY_BOUND_MS);
  return { handledMs, readyMs, text: `100 more jobs handled ${handledMs} ms after the fault, /ready true after ${readyMs} ms` };
}

/** `pnpm bench --only cluster` runs this file with WARREN_BENCH_CLUSTER_OUT and reads the recoveries from it. */
const benchFigures: Record<string, number> = {};

/**
 * Every confirmed job was handled. Refused dispatches fail the test unless `isRefusalExpected` accepts each (id, error):
 * a publish to a classic queue whose node is down cannot be stored anywhere, and its caller is told so.
 */
async function expectAllHandled(worker: RunningWorker, producers: SteadyProducer[], isRefusalExpected = (_id: string, _error: unknown) => false): Promise<void> {
  for (const producer of producers) producer.stop();
  const report = await ledger.waitUntilAllHandled({ timeoutMs: 30_000 }).catch((e: Error) => {
    throw new Error(`${e.message}\n${worker.describeRun()}`);
  });
  console.info(`[cluster] ${ledger.summary()} redeliveries=${report.duplicates.reduce((n, d) => n + d.count - 1, 0)}`);
  const unexpected = report.rejected.filter((r) => !isRefusalExpected(r.id, r.error));
  expect(unexpected.map((r) => `${r.id}: ${String(r.error)}`), 'dispatches refused').toEqual([]);
  expect(report.lost, 'confirmed jobs never handled').toEqual([]);
  expect(report.confirmed + report.rejected.length).toBe(producers.reduce((sum, p) => sum + p.sent, 0));
}

describe('a worker on a 3-node cluster with quorum queues', () => {
  it('fails over when the connected node\'s app stops, and loses nothing', async () => {
    const worker = await startWorker('stop-app');
    const producer = produce(worker.warren);
    await moreHandled(worker, 100);
    const [connected] = await connectedNodes(worker);
    expect(connected, 'the worker is connected to a cluster node').toBeDefined();

    const faultAt = Date.now();
    await connected!.stopApp();
    const recovery = await recoveryAfter(worker, faultAt);
    benchFigures.stopAppMs = recovery.handledMs;
    console.info(`[cluster] stop_app of the connected node: ${recovery.text}`);
    expect((await connectedNodes(worker)).map((n) => n.nodeName)).not.toContain(connected!.nodeName);

    await connected!.startApp();
    await cluster.awaitRunning(60_000);
    await moreHandled(worker, 100);
    await expectAllHandled(worker, [producer]);
  });

  it('recovers when the connected node is SIGKILLed, and when it is booted again', async () => {
    const worker = await startWorker('kill');
    const producer = produce(worker.warren);
    await moreHandled(worker, 100);
    const [connected] = await connectedNodes(worker);
    expect(connected, 'the worker is connected to a cluster node').toBeDefined();

    const faultAt = Date.now();
    await connected!.kill();
    const recovery = await recoveryAfter(worker, faultAt);
    benchFigures.killMs = recovery.handledMs;
    console.info(`[cluster] SIGKILL of the connected node: ${recovery.text}`);

    await connected!.boot();
    await cluster.awaitRunning(60_000);
    await moreHandled(worker, 100);
    await expectAllHandled(worker, [producer]);
  });

  it('loses nothing through a rolling restart of all three nodes', async () => {
    const worker = await startWorker('rolling');
    const producer = produce(worker.warren);
    await moreHandled(worker, 100);
    for (const node of cluster.nodes) {
      const faultAt = Date.now();
      await node.stopApp();
      const recovery = await recoveryAfter(worker, faultAt);
      await node.startApp();
      await cluster.awaitRunning(60_000);
      console.info(`[cluster] rolling restart, ${node.nodeName} down: ${recovery.text}; back after ${Date.now() - faultAt} ms`);
    }
    await moreHandled(worker, 100);
    await expectAllHandled(worker, [producer]);
  });
});

describe('a classic queue on a cluster', () => {
  it('is unavailable while its node is down: /ready says so, nothing is lost, consumption resumes', async () => {
    // The classic queue lives on the node that declared it: declare it through node 1 alone...
    const [home, ...others] = cluster.nodes as [RabbitNode, ...RabbitNode[]];
    const declaring = await startWorker('classic-home', { urls: [home.url], classic: true });
    await declaring.warren.close({ timeoutMs: 5_000 });
    // ...then run the worker, on the same queues, on the two other nodes: its connections survive the loss of the queue's node.
    const worker = await startWorker('classic', { urls: others.map((node) => node.url), classic: true, prefix: declaring.prefix });
    // startWorker made a new ledger; the declaring worker handled nothing.
    const quorumProducer = produce(worker.warren, ClusterWork, 20);
    const classicProducer = produce(worker.warren, ClassicWork, 20);
    await moreHandled(worker, 100);

    const faultAt = Date.now();
    await home.stopApp();
    try {
      const notReadyMs = await until(() => !worker.warren.health().ready, RECOVERY_BOUND_MS, () => `not ready\n${worker.describeRun()}`);
      // The quorum pipeline may blink too (its leader may have been on that node); then only the classic one stays down.
      const reasons = () => worker.warren.health().reasons.join('; ');
      const settledMs = await until(() => reasons().includes('pipeline classic') && !reasons().includes('pipeline quorum'), RECOVERY_BOUND_MS,
        () => `only the classic pipeline is down (${reasons()})\n${worker.describeRun()}`);
      console.info(`[cluster] classic queue's node down: /ready false after ${notReadyMs} ms; ${settledMs} ms later only: ${reasons()}`);
      await moreHandled(worker, 100); // the quorum pipeline goes on meanwhile
    } finally {
      await home.startApp();
    }
    const back = await recoveryAfter(worker, Date.now());
    console.info(`[cluster] classic queue's node back: ${back.text}`);
    // Dispatches to the classic queue while its node was down are refused, with a code and the reason; none to the
    // quorum queue; every confirmed job of both is handled.
    const isNodeDownRefusal = (id: string, error: unknown) => id.startsWith('classic-')
      && (error as { code?: string }).code === 'WARREN_ERR_AMQP_PUBLISH_UNROUTABLE' && /node that holds it is down/.test(String(error));
    await expectAllHandled(worker, [quorumProducer, classicProducer], isNodeDownRefusal);
    console.info(`[cluster] classic dispatches refused while its node was down: ${ledger.report().rejected.length}`);
  });

  it('does not hold up the other pipelines when a worker starts while the classic queue\'s node is down', async () => {
    const [home, ...others] = cluster.nodes as [RabbitNode, ...RabbitNode[]];
    const declaring = await startWorker('classic-start-home', { urls: [home.url], classic: true });
    await declaring.warren.close({ timeoutMs: 5_000 });
    await home.stopApp();
    try {
      // Before, the setup of every pipeline failed on the classic queue's declare and the worker redialed until the node came back.
      const startedAt = Date.now();
      const worker = await startWorker('classic-start', { urls: others.map((node) => node.url), classic: true, prefix: declaring.prefix });
      const quorumProducer = produce(worker.warren, ClusterWork, 20);
      await moreHandled(worker, 50);
      console.info(`[cluster] worker started with the classic queue's node down: quorum pipeline handling after ${Date.now() - startedAt} ms`);
      expect(worker.warren.health().reasons.join('; ')).toContain('pipeline classic');
      quorumProducer.stop();

      await home.startApp();
      await until(() => worker.warren.health().ready, RECOVERY_BOUND_MS, () => `ready once the node is back\n${worker.describeRun()}`);
      const classicProducer = produce(worker.warren, ClassicWork, 20);
      await moreHandled(worker, 50);
      classicProducer.stop();
      await expectAllHandled(worker, [quorumProducer, classicProducer]);
    } finally {
      await home.startApp();
    }
  });
});
