/*
 * The cost of the durable outbox (issue #17): dispatches made while the broker is unreachable (the URL names a port
 * nothing listens on, so the shared broker is never touched) with the outbox in memory and with amqp.outbox.path at
 * each fsync policy, as dispatches per second until every dispatch resolved (fsync every with a tenth of the jobs: it
 * runs at the disk's fsync rate); then, for fsync interval, how long a new process on the same path takes to replay
 * them to the broker (until all are confirmed).
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import '@warren/amqp';
import { Warren } from '@warren/core';
import type { SideSettings } from '../support/bench-side.js';
import { deleteQueues } from '../support/delete-queues.js';

export type OutboxMode = 'memory' | 'every' | 'interval' | 'none';

export interface OutboxCost {
  readonly dispatchPerSec: Record<OutboxMode, number>;
  /** Milliseconds for a new process to send the `interval` run's file to the broker and have it all confirmed. */
  readonly replayMs: number;
}

/** A loopback port with no listener: connections are refused, as by a stopped broker app. */
async function refusedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

function config(url: string, queue: string, outbox: Record<string, unknown>): object {
  return {
    version: 1,
    amqp: { urls: [url], connection_name: 'warren-bench-outbox', redial: { probe_interval: 0, schedule: ['1s'] }, outbox: { max_messages: 1_000_000, ...outbox } },
    jobs: { pipelines: { bench: { driver: 'amqp', options: { queue } } } },
    http: { enabled: false },
    log: { level: 'error' },
  };
}

async function dispatchAll(warren: Warren, jobs: number): Promise<number> {
  const payload = { pad: 'x'.repeat(180) }; // ~200 bytes, as the other measurements
  const startMs = performance.now();
  const dispatches: Array<Promise<string>> = [];
  for (let n = 0; n < jobs; n++) dispatches.push(warren.dispatch('bench.noop', payload, { pipeline: 'bench' }));
  await Promise.all(dispatches);
  return jobs / ((performance.now() - startMs) / 1000);
}

export async function measureDurableOutbox(settings: SideSettings, jobs: number): Promise<OutboxCost> {
  const deadUrl = `amqp://guest:guest@127.0.0.1:${await refusedPort()}`;
  const dispatchPerSec = {} as Record<OutboxMode, number>;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-bench-outbox-'));
  try {
    for (const mode of ['memory', 'none', 'interval', 'every'] as const) {
      const outbox = mode === 'memory' ? {} : { path: path.join(root, mode), fsync: mode };
      const warren = await Warren.fromConfig(config(deadUrl, settings.queue, outbox), { loadModules: false });
      // In memory, dispatches only resolve on the confirm: measure how fast they are taken instead (all buffered).
      if (mode === 'memory') {
        const startMs = performance.now();
        for (let n = 0; n < jobs; n++) warren.dispatch('bench.noop', { pad: 'x'.repeat(180) }, { pipeline: 'bench' }).catch(() => undefined);
        while (warren.health().drivers[0]?.gauges['outboxDepth'] !== jobs) await new Promise((resolve) => setImmediate(resolve));
        dispatchPerSec.memory = jobs / ((performance.now() - startMs) / 1000);
      } else {
        dispatchPerSec[mode] = await dispatchAll(warren, mode === 'every' ? Math.max(1, Math.floor(jobs / 10)) : jobs);
      }
      await warren.close({ timeoutMs: 0 }).catch(() => undefined); // unreachable: what is buffered stays (in the file)
    }
    const startMs = performance.now();
    const replayer = await Warren.fromConfig(config(settings.amqpUrl, settings.queue, { path: path.join(root, 'interval') }), { loadModules: false });
    try {
      const depth = () => replayer.health().drivers[0]?.gauges['durableOutboxDepth'];
      while (depth() !== 0) {
        if (performance.now() - startMs > 120_000) throw new Error(`replay did not finish (depth ${String(depth())})`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return { dispatchPerSec, replayMs: performance.now() - startMs };
    } finally {
      await replayer.close({ timeoutMs: 5_000 });
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
    await deleteQueues(settings.amqpUrl, [settings.queue, `${settings.queue}.dlq`]);
  }
}
