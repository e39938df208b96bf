/*
 * The durable outbox of issue #17 (amqp.outbox.path) on RabbitMQ.
 * 1. A real producer process (built JS, test/support/outbox-producer.mjs) dispatches 1,000 jobs while the broker is
 *    unreachable and is SIGKILLed once every dispatch resolved; a new process on the same path, with the broker
 *    reachable, replays them: all 1,000 are handled, none twice (same ids). The shared broker must never be stopped
 *    here, so the producer's URL points at a TCP proxy that refuses connections: it emulates the stopped broker app.
 * 2. A hand-truncated file (a crash mid-write): the good records are delivered, the torn tail is moved aside with
 *    warning WARREN_WRN_103, and the process starts normally.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { DurableOutbox } from '../../packages/amqp/dist/index.js';
import { Job, JobRegistry, Warren, createSilentLogger, type JobContext } from '../support/warren-packages.js';
import { LogCapture } from '../support/log-capture.js';
import { TEST_AMQP_URL, deletePipelineQueues, uniqueQueueName } from '../support/pipeline-queues.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { withDeadline } from '../support/with-deadline.js';

const PRODUCER = fileURLToPath(new URL('../support/outbox-producer.mjs', import.meta.url));
const JOBS = 1_000;
const queues: string[] = [];
const directories: string[] = [];
let handled = new Map<string, number>();

@Job('outbox.job', { pipeline: 'main', timeout: '10s' })
class OutboxJob {
  handle(_payload: unknown, ctx: JobContext) {
    handled.set(ctx.id, (handled.get(ctx.id) ?? 0) + 1);
  }
}

function tempDirectory(): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'warren-outbox-'));
  directories.push(directory);
  return directory;
}

/** Runs the producer script; resolves with the child once `line` appeared on its stdout. */
function runProducer(args: string[], line: string): Promise<import('node:child_process').ChildProcess> {
  const child = spawn(process.execPath, [PRODUCER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return withDeadline(new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(line)) resolve(child);
    });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('exit', (code, signal) => reject(new Error(`producer ${args[0]} exited (${code ?? signal}) before "${line}":\n${output}`)));
  }), 30_000, `the ${args[0]} process to print "${line}"`);
}

function exited(child: import('node:child_process').ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Consumes `queue` in this process until `count` distinct ids were handled, then a little longer to catch duplicates. */
async function consumeAll(queue: string, count: number): Promise<void> {
  const registry = new JobRegistry();
  registry.add(OutboxJob);
  const worker = await Warren.fromConfig({
    version: 1, amqp: { urls: [TEST_AMQP_URL] }, jobs: { pipelines: { main: { driver: 'amqp', concurrency: 50, options: { queue } } } }, http: { enabled: false },
  }, { registry, logger: createSilentLogger() });
  try {
    await worker.run();
    await withDeadline(new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        if (handled.size < count) return;
        clearInterval(timer);
        resolve();
      }, 50);
    }), 30_000, `${count} jobs handled (got ${handled.size})`);
    await new Promise((resolve) => setTimeout(resolve, 500)); // a duplicate would arrive right behind
  } finally {
    await worker.close();
  }
}

afterAll(async () => {
  await deletePipelineQueues(...queues);
  for (const directory of directories) fs.rmSync(directory, { recursive: true, force: true });
});

describe('durable outbox (issue #17)', () => {
  it('keeps 1,000 dispatches made while the broker is unreachable through a SIGKILL; the next process delivers each once', async () => {
    handled = new Map();
    const queue = uniqueQueueName('outbox-kill');
    queues.push(queue);
    const directory = tempDirectory();
    // Emulates the stopped broker app: the producer's URL leads to a port that refuses connections.
    const proxy = await TcpProxy.start({ startRefusing: true });
    try {
      const producer = await runProducer(['produce', proxy.amqpUrl(), queue, directory, String(JOBS)], `dispatched ${JOBS}`);
      producer.kill('SIGKILL');
      await exited(producer);
      expect(producer.signalCode).toBe('SIGKILL');
      expect(fs.statSync(path.join(directory, 'outbox.log')).size).toBeGreaterThan(JOBS * 100);
      await proxy.restore(); // the broker is back
      const replayer = await runProducer(['replay', proxy.amqpUrl(), queue, directory], 'replayed');
      await exited(replayer);
      expect(replayer.exitCode).toBe(0);
      // Everything confirmed: compacted to nothing, lock released.
      expect(fs.statSync(path.join(directory, 'outbox.log')).size).toBe(0);
      expect(fs.existsSync(path.join(directory, 'outbox.lock'))).toBe(false);
    } finally {
      await proxy.close();
    }
    await consumeAll(queue, JOBS);
    expect(handled.size).toBe(JOBS);
    expect([...handled.keys()].sort()).toEqual(Array.from({ length: JOBS }, (_, n) => `job-${n}`).sort());
    expect([...handled.values()].filter((times) => times > 1)).toEqual([]);
  });

  it('replays the good records of a hand-truncated file and moves the torn tail aside with a warning', async () => {
    handled = new Map();
    const queue = uniqueQueueName('outbox-torn');
    queues.push(queue);
    const directory = tempDirectory();
    // Write ten records as a crashed process would leave them, then tear the last one (a crash mid-write).
    const outbox = new DurableOutbox({ directory, fsync: 'every', fsyncIntervalMs: 100, maxMessages: 100, maxBytes: 1 << 20, logger: createSilentLogger() });
    outbox.open();
    for (let n = 0; n < 10; n++) {
      outbox.append(queue, 0, {
        body: Buffer.from(JSON.stringify({ n })),
        properties: { messageId: `torn-${n}`, type: 'outbox.job', timestampMs: Date.now(), contentType: 'application/json', contentEncoding: 'utf-8', headers: { 'x-warren-attempt': 1 } },
      });
    }
    outbox.close();
    const file = path.join(directory, 'outbox.log');
    fs.truncateSync(file, fs.statSync(file).size - 7);

    const logs = new LogCapture('info');
    const producer = await Warren.fromConfig({
      version: 1, amqp: { urls: [TEST_AMQP_URL], outbox: { path: directory } }, jobs: { pipelines: { main: { driver: 'amqp', options: { queue } } } }, http: { enabled: false },
    }, { logger: logs.logger });
    try {
      await withDeadline((async () => {
        while (producer.health().drivers[0]?.gauges['durableOutboxDepth'] !== 0) await new Promise((resolve) => setTimeout(resolve, 50));
      })(), 15_000, 'the replayed records to be confirmed');
    } finally {
      await producer.close();
    }
    expect(logs.lines.filter((line) => line.includes('WARREN_WRN_103'))).toHaveLength(1);
    const aside = fs.readdirSync(directory).filter((name) => name.startsWith('outbox.log.bad-'));
    expect(aside).toHaveLength(1);
    await consumeAll(queue, 9);
    expect([...handled.keys()].sort()).toEqual(Array.from({ length: 9 }, (_, n) => `torn-${n}`).sort());
  });
});
