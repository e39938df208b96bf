/*
 * Schedules on the real broker, with three worker processes (test/support/scheduler-worker.mjs, built packages) and
 * one every-second schedule: for 10 s every tick is dispatched exactly once (no gap, no duplicate tick id); then the
 * scheduler process is SIGKILLed and another takes over within seconds, with no tick doubled and no tick lost beyond
 * the catch_up: latest rule; `warren status` names the new holder. The test reads what was dispatched straight
 * from the ticks queue (the workers consume another pipeline), so a redelivery cannot hide or fake a tick.
 */
import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import amqp, { type ChannelModel } from 'amqplib';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_AMQP_URL, WarrenProcess, deleteQueues, eventually, makeProject, runWarren, uniqueName } from './cli-harness.js';

const WORKER_SCRIPT = fileURLToPath(new URL('../support/scheduler-worker.mjs', import.meta.url));
const JOB = 'sched.tick';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

type WorkerEvent = { pid: number; atMs: number; event: string; state?: string; id?: string };

function startWorkers(count: number, queue: string, idleQueue: string): WarrenProcess[] {
  return Array.from({ length: count }, () => {
    const worker = new WarrenProcess(spawn(process.execPath, [WORKER_SCRIPT, TEST_AMQP_URL, queue, idleQueue], { stdio: ['ignore', 'pipe', 'pipe'] }));
    cleanups.push(() => worker.kill());
    return worker;
  });
}

const eventsOf = (worker: WarrenProcess) => worker.logs() as unknown as WorkerEvent[];
const isLeading = (worker: WarrenProcess) => eventsOf(worker).filter((e) => e.event === 'scheduler').at(-1)?.state === 'leading';
const tickOf = (id: string) => Date.parse(id.slice(id.indexOf('@') + 1));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `waiting` or a failure naming what each worker printed (a broker restarted by another test shows there too). */
async function withTranscripts<T>(workers: readonly WarrenProcess[], waiting: Promise<T>): Promise<T> {
  try {
    return await waiting;
  } catch (error) {
    const transcripts = workers.map((worker) => `--- worker ${worker.child.pid}\n${worker.transcript()}`).join('\n');
    throw new Error(`${(error as Error).message}\n${transcripts}`, { cause: error });
  }
}

describe('schedules across worker processes', () => {
  it('dispatches each every-second tick once across three workers, and keeps doing so after the scheduler is SIGKILLed', async () => {
    const queue = uniqueName('warren.sched');
    const idleQueue = `${queue}.idle`;
    cleanups.push(() => deleteQueues(queue, `${queue}.dlq`, idleQueue, `${idleQueue}.dlq`, `${queue}.scheduler`, `${queue}.scheduler.holder`, `${queue}.schedule.${JOB}`));
    const workers = startWorkers(3, queue, idleQueue);
    await Promise.all(workers.map((worker) => worker.waitForLog((log) => log.event === 'running', 'the worker to run', 40_000)));

    // Read every dispatched tick off the ticks queue.
    const connection: ChannelModel = await amqp.connect(TEST_AMQP_URL);
    cleanups.push(() => connection.close().catch(() => undefined));
    const channel = await connection.createChannel();
    const received: string[] = [];
    await channel.consume(queue, (message) => {
      if (!message) return;
      received.push(String(message.properties.messageId));
      channel.ack(message);
    });

    const leader = await withTranscripts(workers, eventually(async () => workers.find(isLeading), (found) => found !== undefined, 'one worker to lead', 10_000));
    await withTranscripts(workers, eventually(async () => received.length, (count) => count >= 11, '11 ticks (10 s of schedule)', 25_000));

    const killAtMs = Date.now();
    leader!.child.kill('SIGKILL');
    const others = workers.filter((worker) => worker !== leader);
    const successor = await withTranscripts(workers, eventually(async () => others.find(isLeading), (found) => found !== undefined, 'another worker to take over', 5_000));
    const takeoverAtMs = eventsOf(successor!).filter((e) => e.event === 'scheduler' && e.state === 'leading').at(-1)!.atMs;
    console.log(`takeover ${takeoverAtMs - killAtMs} ms after SIGKILL`);
    await withTranscripts(workers, eventually(async () => received.map(tickOf), (ticks) => ticks.some((tick) => tick >= takeoverAtMs + 2_000), 'two more ticks after takeover', 10_000));

    // `warren status` reads the holder from the broker, without the job modules.
    const { dir, cleanup } = makeProject({
      'warren.yaml': `version: 1\namqp: { urls: ["${TEST_AMQP_URL}"] }\njobs:\n  pipelines:\n    ticks: { driver: amqp, options: { queue: ${queue} } }\n    idle: { driver: amqp, options: { queue: ${idleQueue} } }\n`,
    });
    cleanups.push(cleanup);
    const status = await runWarren(['status', '--json'], dir);
    expect(status.code, status.stderr).toBe(0);
    const schedules = (JSON.parse(status.stdout) as { schedules: Array<Record<string, unknown>> }).schedules;
    expect(schedules).toEqual([expect.objectContaining({ job: JOB, pipeline: 'ticks', cron: '* * * * * *', holder: `${hostname()}:${successor!.child.pid}`, candidates: 2 })]);
    expect(Date.parse(String(schedules[0]!.nextRun))).toBeGreaterThan(Date.now() - 1_000);

    for (const worker of others) worker.child.kill('SIGTERM');
    for (const worker of others) expect(await worker.exitCode(15_000)).toBe(0);
    await sleep(300); // the last confirmed tick reaches our consumer

    const ticks = received.map(tickOf).sort((a, b) => a - b);
    expect(received.length - new Set(received).size, `duplicate tick ids in ${received.join(', ')}`).toBe(0);
    const missing: number[] = [];
    for (let tick = ticks[0]!; tick <= ticks.at(-1)!; tick += 1_000) if (!ticks.includes(tick)) missing.push(tick);
    // Ticks may be missing only while no scheduler ran, and catch_up: latest then fired the latest one at takeover.
    for (const tick of missing) expect(tick > killAtMs - 1_100 && tick < takeoverAtMs, `tick ${new Date(tick).toISOString()} is missing outside the takeover`).toBe(true);
    const lastDueAtTakeover = Math.floor(takeoverAtMs / 1_000) * 1_000;
    expect(ticks).toContain(lastDueAtTakeover);
    expect(ticks.filter((tick) => tick < killAtMs - 1_000).length).toBeGreaterThanOrEqual(10);
    expect(takeoverAtMs - killAtMs).toBeLessThan(5_000);
    // Exactly one process fired at a time: the standby that never led fired nothing.
    const bystander = others.find((worker) => worker !== successor)!;
    expect(eventsOf(bystander).filter((e) => e.event === 'fired')).toEqual([]);
  });
});
