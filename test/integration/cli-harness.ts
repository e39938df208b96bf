/*
 * Helpers for the CLI broker tests: spawn the built `warren` binary, read its JSON log lines, wait
 * for a line or an exit with a deadline, and make throwaway projects whose job modules import the
 * workspace's @warren/core (symlinked, so the CLI and the jobs share one registry).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withDeadline } from '../support/with-deadline.js';

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const WARREN_BIN = join(REPO_ROOT, 'packages/cli/dist/bin.js');
export const TEST_AMQP_URL = process.env.WARREN_TEST_AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

/** A running (or finished) `warren` process with its output. */
export class WarrenProcess {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    const collect = (into: string[]) => {
      let partial = '';
      return (chunk: Buffer) => {
        const lines = (partial + chunk.toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        into.push(...lines);
        for (const wake of [...this.#waiters]) wake();
      };
    };
    child.stdout?.on('data', collect(this.stdout));
    child.stderr?.on('data', collect(this.stderr));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Stdout lines that are JSON objects (pino logs). */
  logs(): Array<Record<string, unknown>> {
    return this.stdout.flatMap((line) => {
      try {
        const value = JSON.parse(line) as unknown;
        return typeof value === 'object' && value !== null ? [value as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }

  /** Resolves with the first log line matching `predicate`; fails after `timeoutMs` or if the process exits. */
  waitForLog(predicate: (log: Record<string, unknown>) => boolean, what: string, timeoutMs = 20_000): Promise<Record<string, unknown>> {
    return withDeadline(
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const check = () => {
          const found = this.logs().find(predicate);
          if (found) {
            this.#waiters.delete(check);
            resolve(found);
          }
        };
        this.#waiters.add(check);
        check();
        void this.exited.then(() => {
          check();
          if (this.#waiters.delete(check)) reject(new Error(`warren exited before ${what}:\n${this.transcript()}`));
        });
      }),
      timeoutMs,
      `${what}\n${this.transcript()}`,
    );
  }

  /** Resolves with the exit code; fails after `timeoutMs`. */
  async exitCode(timeoutMs = 30_000): Promise<number | null> {
    return (await withDeadline(this.exited, timeoutMs, `warren to exit\n${this.transcript()}`)).code;
  }

  transcript(): string {
    return [...this.stdout.slice(-40), ...this.stderr.slice(-20).map((l) => `[stderr] ${l}`)].join('\n');
  }

  /** Kills the process if it still runs (test cleanup). */
  async kill(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Starts `warren <args>` in `cwd`. */
export function startWarren(args: readonly string[], cwd: string, env: Record<string, string> = {}): WarrenProcess {
  return new WarrenProcess(spawn(process.execPath, [WARREN_BIN, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Runs `warren <args>` to completion. */
export async function runWarren(
  args: readonly string[], cwd: string, timeoutMs = 30_000, env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const process = startWarren(args, cwd, env);
  const code = await process.exitCode(timeoutMs);
  return { code, stdout: process.stdout.join('\n'), stderr: process.stderr.join('\n') };
}

/** A temporary project folder whose modules can import @warren/core and @warren/amqp. */
export function makeProject(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'warren-cli-'));
  mkdirSync(join(dir, 'node_modules/@warren'), { recursive: true });
  symlinkSync(join(REPO_ROOT, 'packages/core'), join(dir, 'node_modules/@warren/core'), 'dir');
  symlinkSync(join(REPO_ROOT, 'packages/amqp'), join(dir, 'node_modules/@warren/amqp'), 'dir');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'warren-cli-test', private: true, type: 'module' }));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A unique name for queues of one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}.${process.pid}.${Math.random().toString(36).slice(2, 8)}`;
}

/** GETs a path on the worker's health server. */
export async function httpGet(port: number, path: string): Promise<{ status: number; body: string; type: string | null }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text(), type: response.headers.get('content-type') };
}

/** Polls `read` until `accept` says yes, or fails after `timeoutMs` naming `what`. */
export async function eventually<T>(read: () => Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (accept(last)) return last;
    } catch (error) {
      last = error as T;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A job module (plain JS) that appends `started <tag>` / `finished <tag>` to ledger.txt and sleeps `ms`, honouring ctx.signal. */
export const SLEEP_JOB_MODULE = `
import { Job } from '@warren/core';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
const ledger = join(process.cwd(), 'ledger.txt');
export class SleepJob {
  async handle(payload, ctx) {
    appendFileSync(ledger, 'started ' + payload.tag + ' ' + process.pid + '\\n');
    await new Promise((resolve, reject) => {
      const timer = setTimeout(resolve, payload.ms);
      ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted')); });
    });
    appendFileSync(ledger, 'finished ' + payload.tag + ' ' + process.pid + '\\n');
  }
}
Job('test.sleep', { pipeline: 'work', timeout: '60s' })(SleepJob);
`;

export interface WorkerYamlOptions {
  readonly queue: string;
  readonly url?: string;
  readonly shutdownTimeout?: string;
  readonly concurrency?: number;
  /** amqp.redial.timeout: how long disconnected before the driver fails (default: forever). */
  readonly redialTimeout?: string;
}

/** A warren.yaml with one AMQP pipeline `work` on `queue`, fast redials and the http server on a random port. */
export function workerYaml(options: WorkerYamlOptions): string {
  return [
    'version: 1',
    'amqp:',
    `  urls: ["${options.url ?? TEST_AMQP_URL}"]`,
    '  heartbeat: 2s',
    `  redial: { schedule: [100ms, 200ms], jitter: 0${options.redialTimeout ? `, timeout: ${options.redialTimeout}` : ''} }`,
    'jobs:',
    '  modules: ["jobs/*.js"]',
    `  shutdown_timeout: ${options.shutdownTimeout ?? '10s'}`,
    '  pipelines:',
    '    work:',
    '      driver: amqp',
    `      concurrency: ${options.concurrency ?? 5}`,
    `      options: { queue: ${options.queue} }`,
    'http: { port: 0, host: 127.0.0.1 }',
    'log: { level: info, pretty: false }',
    '',
  ].join('\n');
}

/** The port from the startup log line of `warren run`. */
export async function startedPort(worker: WarrenProcess): Promise<number> {
  const line = await worker.waitForLog((log) => typeof log.msg === 'string' && log.msg.startsWith('warren started'), 'the startup log line');
  return line.port as number;
}

/** Runs `use` on a fresh channel of a fresh connection, closed afterwards (robust to other tests closing connections). */
export async function withChannel<T>(use: (channel: import('amqplib').Channel) => Promise<T> | T): Promise<T> {
  const { default: amqp } = await import('amqplib');
  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    const result = await use(channel);
    await channel.waitForConfirms();
    return result;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Publishes a sleep job the way any AMQP producer may: a JSON body and `type`. */
export function publishSleepJob(queue: string, tag: string, ms: number): Promise<void> {
  return withChannel((channel) => {
    channel.sendToQueue(queue, Buffer.from(JSON.stringify({ tag, ms })), { type: 'test.sleep', contentType: 'application/json', persistent: true, messageId: tag });
  });
}

/** Messages ready in a queue. */
export function readyCount(queue: string): Promise<number> {
  return withChannel(async (channel) => (await channel.checkQueue(queue)).messageCount);
}

/** Deletes queues (if they exist). */
export function deleteQueues(...queues: string[]): Promise<void> {
  return withChannel(async (channel) => {
    for (const queue of queues) await channel.deleteQueue(queue);
  });
}

/** Whether `queue` exists: a passive declare on a throwaway channel (a missing queue closes it with 404; any other error throws). */
export async function queueExists(queue: string): Promise<boolean> {
  const { default: amqp } = await import('amqplib');
  const connection = await amqp.connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    channel.on('error', () => undefined); // the 404 also arrives as 'error'; checkQueue's rejection answers
    return await channel.checkQueue(queue).then(
      () => true,
      (error: { code?: unknown }) => {
        if (error.code === 404) return false;
        throw error;
      },
    );
  } finally {
    await connection.close().catch(() => undefined);
  }
}
